"""Two applications from the same organisation sent at the same moment: one is
accepted, the other refused (PostgreSQL: real concurrent transactions)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from pavilion.applications import services
from pavilion.applications.models import Application
from pavilion.membership.demo import demo_schedules

from .conftest import ensure_classification
from .factories import ApplicationFactory, pdf_upload


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_from_one_organisation_leave_one_open():
    ensure_classification()
    demo_schedules(year=timezone.localdate().year)
    drafts = [ApplicationFactory(name_en="Example Bay", name_ja="", country="JP") for _ in range(6)]
    for draft in drafts:
        services.application_document_add(
            application=draft, kind="letter_of_intent", upload=pdf_upload()
        )
    barrier = threading.Barrier(len(drafts))
    outcomes: list[str] = []

    def send(draft):
        try:
            barrier.wait()
            services.application_submit(application=draft, consent=True)
            outcomes.append("sent")
        except ValidationError as error:
            assert "already being reviewed" in " ".join(error.messages)
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["sent"]
    assert Application.objects.filter(status__in=Application.OPEN).count() == 1
