"""Running verification (domains.verification) on stored domains and writing what it found.

To be written: check_domain(pk) and check_due() -- see the domains brief.
"""


def check_domain(domain_pk: int) -> str | None:
    raise NotImplementedError


def check_due() -> int:
    raise NotImplementedError
