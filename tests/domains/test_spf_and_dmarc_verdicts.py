"""What an SPF or DMARC TXT found in DNS means for its record's status (verification.judge): read
for its meaning, as mail servers read it, not compared as text."""

import dns.rdata
import pytest

from domains.records import DMARC, SPF, Kind
from domains.verification import INCONSISTENT, MISSING, VERIFIED, Expected, judge

ASKED = {
    Kind.SPF: Expected(Kind.SPF, "TXT", "example.com", SPF),
    Kind.DMARC: Expected(Kind.DMARC, "TXT", "_dmarc.example.com", DMARC),
}


def status(kind: Kind, *texts: str) -> str | None:
    """The status of WorkMail's `kind` record when its name has these TXT records."""
    rdatas = [dns.rdata.from_text("IN", "TXT", f'"{text}"') for text in texts]
    return judge(ASKED[kind], rdatas, window_passed=False).status


@pytest.mark.parametrize(
    "found",
    [
        "v=spf1 include:amazonses.com ~all",
        "v=spf1 include:_spf.example.net include:amazonses.com ~all",
        "v=spf1 mx ip4:192.0.2.0/24 +include:amazonses.com -all",  # -all: stricter counts
        "V=SPF1   Include:AmazonSES.com.  ~ALL",
        "v=spf1 include:amazonses.com ~all exp=explain._spf.example.com",
    ],
)
def test_an_spf_record_that_includes_amazon_ses_and_ends_with_a_strict_all_is_verified(
    found: str,
) -> None:
    assert status(Kind.SPF, found) == VERIFIED


@pytest.mark.parametrize(
    "found",
    [
        "v=spf1 include:_spf.example.net ~all",  # no Amazon SES
        "v=spf1 include:amazonses.com.evil.example ~all",
        "v=spf1 -include:amazonses.com ~all",  # Amazon SES's mail fails
        "v=spf1 include:amazonses.com",  # no all: everything else is neutral
        "v=spf1 include:amazonses.com ?all",
        "v=spf1 include:amazonses.com +all",
        "v=spf1 ~all include:amazonses.com",  # never reached
        "v=spf1 -all include:amazonses.com ~all",  # the first all ends it
        "v=spf1 include:amazonses.com redirect=_spf.example.net",
        "v=spf1 include:amazonses.com spam ~all",  # not a mechanism: PermError
    ],
)
def test_an_spf_record_that_means_something_else_is_inconsistent(found: str) -> None:
    assert status(Kind.SPF, found) == INCONSISTENT


def test_two_spf_records_on_one_name_are_inconsistent() -> None:
    assert status(Kind.SPF, SPF, "v=spf1 include:_spf.example.net ~all") == INCONSISTENT


def test_txt_records_that_are_not_spf_leave_spf_missing() -> None:
    found = status(Kind.SPF, "google-site-verification=abc", "v=spf10 include:amazonses.com ~all")
    assert found == MISSING


def test_spf_beside_other_txt_records_is_verified() -> None:
    assert status(Kind.SPF, "google-site-verification=abc", SPF) == VERIFIED


@pytest.mark.parametrize(
    "found",
    [
        "v=DMARC1;p=quarantine;pct=100;fo=1",
        "v=DMARC1; p=quarantine; pct=100; fo=1",
        "v = DMARC1 ; fo=1; pct=100; p=quarantine;",  # any order after v, spaces free
        "V=DMARC1; P=Quarantine; fo=1",  # pct's default is 100
        "v=DMARC1; p=reject; pct=100; fo=1",  # stricter counts
        "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com; sp=none; fo=1:d",
    ],
)
def test_a_dmarc_record_that_asks_at_least_quarantine_for_all_mail_is_verified(
    found: str,
) -> None:
    assert status(Kind.DMARC, found) == VERIFIED


@pytest.mark.parametrize(
    "found",
    [
        "v=DMARC1; p=none; pct=100; fo=1",  # more lenient
        "v=DMARC1; p=quarantine; pct=50; fo=1",  # half the mail only
        "v=DMARC1; p=quarantine; pct=100",  # fo=0, its default: reports less
        "v=DMARC1; pct=100; fo=1",  # no policy
        "v=DMARC1; p=quarantined; pct=100; fo=1",
        "v=DMARC1; p=none; p=quarantine; pct=100; fo=1",  # a tag twice
        "v=DMARC1; p=quarantine; pct=100; fo=1; quarantine",  # not a tag=value pair
    ],
)
def test_a_dmarc_record_that_means_something_else_is_inconsistent(found: str) -> None:
    assert status(Kind.DMARC, found) == INCONSISTENT


def test_two_dmarc_records_on_one_name_are_inconsistent() -> None:
    assert status(Kind.DMARC, DMARC, "v=DMARC1; p=reject; pct=100; fo=1") == INCONSISTENT


def test_a_dmarc_record_not_starting_with_its_version_is_not_one() -> None:
    assert status(Kind.DMARC, "p=quarantine; v=DMARC1; pct=100; fo=1") == MISSING
