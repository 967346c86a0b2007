"""Celery tasks for users and the Inactive rule."""

from celery import shared_task

from users.inactive import make_idle_organizations_inactive


@shared_task
def sweep_inactive_organizations() -> list[str]:
    """Beat: the Active organizations that kept no enabled user too long go Inactive."""
    return make_idle_organizations_inactive()
