"""Race tests commit for real, so creates enqueue for real: drop those messages at the end."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.conftest import QUEUE
from tests.processes import forget_queue


@pytest.fixture(scope="session", autouse=True)
def _forget_what_the_races_enqueued() -> Iterator[None]:
    yield
    forget_queue(settings.CELERY_BROKER_URL, QUEUE)
