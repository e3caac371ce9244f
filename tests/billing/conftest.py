import pytest

from .factories import schedule_make, snapshot_make


@pytest.fixture
def schedules(db):
    """Income groups and published EUR and JPY schedules for 2026 and 2027."""
    snapshot_make()
    return {
        (year, currency): schedule_make(year=year, currency=currency)
        for year in (2026, 2027)
        for currency in ("EUR", "JPY")
    }


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="treasurer", password="pw-treasurer", is_staff=True, is_superuser=True
    )
