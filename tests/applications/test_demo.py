import datetime as dt

import pytest
from django.core import mail

from pavilion.applications.demo import demo_load
from pavilion.applications.models import Application

pytestmark = pytest.mark.django_db


def test_demo_applications_fill_the_queue_once_without_mail(schedules):
    today = dt.date.today()
    assert demo_load(today=today) == {"applications": 5}
    assert demo_load(today=today) == {"applications": 0}
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "in_review", "info_requested"} <= statuses
    assert all(a.is_example and a.name_en.startswith("Example") for a in Application.objects.all())
    assert Application.objects.filter(status="submitted").exclude(quoted_amount=None).exists()
    assert mail.outbox == []
