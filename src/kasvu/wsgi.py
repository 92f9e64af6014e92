"""WSGI entry point (gunicorn ``kasvu.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")
application = get_wsgi_application()
