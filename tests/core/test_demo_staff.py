import io
import stat

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    return settings


def _run() -> str:
    out = io.StringIO()
    call_command("demo_staff", stdout=out)
    return out.getvalue()


def test_demo_staff_creates_a_superuser_and_prints_its_login(dev_settings, tmp_path):
    output = _run()

    password = (tmp_path / "demo-staff-password").read_text().strip()
    assert "http://127.0.0.1:8000/en/admin/" in output
    assert "Username: staff" in output
    assert f"Password: {password}" in output
    user = authenticate(username="staff", password=password)
    assert user is not None and user.is_staff and user.is_superuser


def test_demo_staff_password_file_is_readable_by_its_owner_only(dev_settings, tmp_path):
    _run()

    mode = stat.S_IMODE((tmp_path / "demo-staff-password").stat().st_mode)
    assert mode == 0o600


def test_demo_staff_reuses_the_stored_password_on_later_runs(dev_settings, tmp_path):
    first = _run()
    second = _run()

    password = (tmp_path / "demo-staff-password").read_text().strip()
    assert len(password) >= 20
    assert f"Password: {password}" in first and f"Password: {password}" in second
    assert get_user_model().objects.filter(username="staff").count() == 1


def test_demo_staff_resets_a_changed_password_to_the_stored_one(dev_settings, tmp_path):
    _run()
    user = get_user_model().objects.get(username="staff")
    user.set_password("something else entirely")
    user.save()

    _run()

    password = (tmp_path / "demo-staff-password").read_text().strip()
    assert authenticate(username="staff", password=password) is not None
    assert authenticate(username="staff", password="something else entirely") is None


def test_demo_staff_makes_an_existing_staff_account_a_superuser(dev_settings, tmp_path):
    UserFactory(username="staff", is_staff=False, is_superuser=False)

    _run()

    user = get_user_model().objects.get(username="staff")
    assert user.is_staff and user.is_superuser


def test_demo_staff_passwords_differ_between_installations(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path / "one"
    _run()
    settings.VAR_DIR = tmp_path / "two"
    _run()

    one = (tmp_path / "one" / "demo-staff-password").read_text().strip()
    two = (tmp_path / "two" / "demo-staff-password").read_text().strip()
    assert one != two


def test_demo_staff_refuses_to_run_without_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path

    with pytest.raises(CommandError, match="development"):
        _run()

    assert not get_user_model().objects.filter(username="staff").exists()
    assert not (tmp_path / "demo-staff-password").exists()
