"""Celery tasks of the KMS inventory."""

from celery import shared_task

from keys import services


@shared_task
def delete_due_keys() -> int:
    """Beat, every WORKMAIL_KEY_DELETION_INTERVAL seconds: keys whose waiting period is over
    are deleted; how many."""
    return services.delete_due_keys()
