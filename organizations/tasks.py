"""Celery tasks for organizations' health (their lifecycle's are workmail_console.tasks)."""

from celery import shared_task

from directories.lifecycle import Stage as DirectoryStage
from organizations import health
from workmail_console.sending import send


@shared_task
def sweep_health(after: str = "") -> int:
    """Check one batch of Active and Impaired organizations (WORKMAIL_HEALTH_BATCH of them, by
    ID after `after`), then send the next batch as its own task: a sweep of 100,000 is 200 short
    tasks, not one long one. How many moved in this batch."""
    moved, last = health.check_batch(after)
    if last is not None:
        send(sweep_health, last, then="beat's next health sweep")
    return moved


@shared_task
def check_organizations_using(key_pk: int | None = None, directory_pk: int | None = None) -> int:
    """A key or directory changed: check the organizations that use it now, not at the sweep."""
    return health.check_using(key_pk=key_pk, directory_pk=directory_pk)


def check_after_key_change(sender: type, key: object, **kwargs: object) -> None:
    """keys.signals.key_changed (sent on commit): check the organizations using the key now."""
    send(check_organizations_using, key_pk=key.pk, then="the health sweep")


def check_after_directory_change(sender: type, directory: object, **kwargs: object) -> None:
    """directories.signals.directory_changed (sent on commit): check its organizations now, once
    it is somewhere an organization could be on it (not while it is still being set up)."""
    if directory.stage not in (DirectoryStage.REQUESTED, DirectoryStage.CREATING):
        send(check_organizations_using, directory_pk=directory.pk, then="the health sweep")
