"""Create (or keep) the demo superuser ``staff`` and print how to sign in.

The password is random, written once to ``<VAR_DIR>/demo-staff-password``
(readable by its owner only) and reused on later runs, so the login printed
by an earlier run keeps working. Development only: refused when DEBUG is off.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

USERNAME = "staff"
ADMIN_URL = "http://127.0.0.1:8000/en/admin/"
PASSWORD_FILE = "demo-staff-password"


def demo_staff_password(*, var_dir: Path) -> str:
    """The stored demo password, created (mode 0600) on first use."""
    path = Path(var_dir) / PASSWORD_FILE
    if path.exists():
        password = path.read_text(encoding="utf-8").strip()
        if password:
            os.chmod(path, 0o600)
            return password
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


class Command(BaseCommand):
    help = "Create or keep the demo superuser 'staff' (development only) and print its login."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "demo_staff only runs in development (PAVILION_DEBUG=true); "
                    "in production create staff accounts with createsuperuser."
                )
            )
        password = demo_staff_password(var_dir=settings.VAR_DIR)
        user_model = get_user_model()
        with transaction.atomic():
            user = user_model.objects.filter(username=USERNAME).first()
            created = user is None
            if created:
                user = user_model(username=USERNAME, email="staff@example.org")
            user.is_staff = True
            user.is_superuser = True
            user.is_active = True
            user.set_password(password)
            user.save()
        if created:
            self.stdout.write(_("Created the demo staff user."))
        self.stdout.write(_("Admin: %(url)s") % {"url": ADMIN_URL})
        self.stdout.write(_("Username: %(username)s") % {"username": USERNAME})
        self.stdout.write(_("Password: %(password)s") % {"password": password})
