"""A worker commits without waiting for the WAL flush; the console's own writes still wait
(WORKMAIL_WORKER_SYNCHRONOUS_COMMIT, workmail_console/celery.py)."""

import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import QUEUE, require
from tests.integration.probe_tasks import database_setting
from tests.processes import CeleryProcess, forget_queue
from tests.waiting import wait_for


def worker_says(process_env, tmp_path, **env: str) -> str:
    """synchronous_commit as a real worker's session has it, on a queue of its own."""
    queue = f"{QUEUE}-probe-{uuid.uuid4().hex[:6]}"
    key = f"{queue}:answer"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    worker = CeleryProcess.worker(
        process_env(WORKMAIL_QUEUE=queue, **env), tmp_path / "worker.log", name="probe",
        concurrency=1, include=["tests.integration.probe_tasks"],
    )  # fmt: skip
    try:
        with worker:
            database_setting.apply_async(("synchronous_commit", key), queue=queue)
            wait_for(lambda: client.get(key) is not None, timeout=30)
        return client.get(key).decode()
    finally:
        client.delete(key)
        forget_queue(settings.CELERY_BROKER_URL, queue)


@pytest.mark.slow
@pytest.mark.process
@pytest.mark.django_db
def test_a_worker_commits_without_waiting_for_the_flush_and_the_console_waits(
    services_problem, process_env, tmp_path
) -> None:
    require(services_problem)
    require(None if connection.vendor == "postgresql" else "synchronous_commit is PostgreSQL's")
    require(None if settings.CELERY_BROKER_URL.startswith("redis://") else "the probe needs Redis")
    assert worker_says(process_env, tmp_path) == "off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # this process is the console's


@pytest.mark.slow
@pytest.mark.process
@pytest.mark.django_db
def test_a_worker_waits_for_the_flush_when_told(services_problem, process_env, tmp_path) -> None:
    require(services_problem)
    require(None if connection.vendor == "postgresql" else "synchronous_commit is PostgreSQL's")
    require(None if settings.CELERY_BROKER_URL.startswith("redis://") else "the probe needs Redis")
    assert worker_says(process_env, tmp_path, WORKMAIL_WORKER_SYNCHRONOUS_COMMIT="on") == "on"
