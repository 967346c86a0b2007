"""The Celery app: `celery -A workmail_console worker` / `beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workmail_console.settings")

app = Celery("workmail_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
