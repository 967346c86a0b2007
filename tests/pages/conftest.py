from collections.abc import Iterator

import pytest
from celery.signals import after_task_publish

from tests.conftest import require


@pytest.fixture
def published_tasks(services_problem) -> Iterator[list[tuple[str, list]]]:
    """(task name, args) of every message the broker accepted while the test ran."""
    require(services_problem)
    published: list[tuple[str, list]] = []

    def record(sender: str, headers: dict, body: tuple, **kwargs: object) -> None:
        published.append((sender, list(body[0])))

    after_task_publish.connect(record, weak=False)
    yield published
    after_task_publish.disconnect(record)
