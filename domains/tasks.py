"""Celery tasks for mail domains: verification (domains.dns_checks), beat's and Verify now's."""

from celery import shared_task
from django.conf import settings

from domains import dns_checks
from workmail_console.sending import send


@shared_task
def verify_domain(domain_pk: int) -> str | None:
    """Verify now: check one domain's records at once; its ownership status after."""
    return dns_checks.check_domain(domain_pk)


@shared_task
def verify_due_domains() -> int:
    """Beat: check one batch of due domains (pending often, verified rarely); a full batch
    sends the next one as its own task, so thousands of checks are several short tasks."""
    checked = dns_checks.check_due()
    if checked >= settings.WORKMAIL_DNS_CHECK_BATCH:
        send(verify_due_domains, then="beat's next domain check")
    return checked
