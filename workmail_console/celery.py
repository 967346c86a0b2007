"""The Celery app: `celery -A workmail_console worker` / `beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workmail_console.settings")

app = Celery("workmail_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records its own heartbeat for the ops dashboard (remote control is off: settings).
# By name: the step's module uses the ORM, which is ready only once the worker has set Django up.
app.steps["worker"].add("ops.heartbeats:WorkerHeartbeat")
