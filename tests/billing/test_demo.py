import datetime as dt

import pytest

from pavilion.billing.demo import demo_load
from pavilion.billing.selectors import StandingStatus, members_with_standing

from .factories import MemberFactory, schedule_make, snapshot_make

pytestmark = pytest.mark.django_db


def test_demo_shows_every_standing_and_runs_twice_without_creating_more():
    today = dt.date.today()
    snapshot_make()
    schedule_make(year=today.year)
    for _ in range(4):
        MemberFactory()
    MemberFactory(country="FR")  # no income group: skipped
    assert demo_load(today=today) == {"invoices": 4, "payments": 2}
    assert demo_load(today=today) == {"invoices": 0, "payments": 0}
    statuses = [m.standing.status for m in members_with_standing(today=today)]
    assert statuses.count(StandingStatus.GOOD) == 1
    assert statuses.count(StandingStatus.OVERDUE) == 1
    assert statuses.count(StandingStatus.DUE) == 2  # partly paid and not yet due, and due
    assert statuses.count(StandingStatus.NO_INVOICE) == 1
