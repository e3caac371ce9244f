"""WSGI entry point (gunicorn pavilion.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pavilion.settings")
application = get_wsgi_application()
