"""A task only the tests' own workers load (`--include`): what a worker's database session says."""

import redis
from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(name="tests.database_setting")
def database_setting(name: str, key: str) -> None:
    """SET the Redis key `key` to the worker's value of the PostgreSQL setting `name`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        [(value,)] = cursor.fetchall()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).set(key, value, ex=300)
