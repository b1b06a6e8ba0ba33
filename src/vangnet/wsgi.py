"""WSGI entry point. Setting Django up runs ``CoreConfig.ready()``, which refuses unsafe production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
application = get_wsgi_application()
