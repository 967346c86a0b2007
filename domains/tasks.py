"""Celery tasks for mail domains: verification (domains.verification) and the registrar."""

from celery import shared_task

from domains import checks


@shared_task
def verify_domain(domain_pk: int) -> str | None:
    """Verify now: check one domain's records at once; its ownership status after."""
    return checks.check_domain(domain_pk)


@shared_task
def verify_due_domains() -> int:
    """Beat: check the domains whose next check is due (pending often, verified rarely)."""
    return checks.check_due()
