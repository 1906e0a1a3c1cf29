"""WSGI entry point (gunicorn cezanne_lever.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cezanne_lever.settings")

application = get_wsgi_application()
