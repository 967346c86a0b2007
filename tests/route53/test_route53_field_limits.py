"""Route 53's forms refuse long input whole, never cut (issue 14 §3): a record set's values are
stored as typed up to Route 53's limits (4,000 characters a value, 32,000 in all), one character
over is a field error, and nothing is written."""

import itertools
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from route53.models import DomainRegistration, HostedZone, ResourceRecordSet
from route53.services import create_hosted_zone
from tests.factories import dns_name
from tests.html import refused

pytestmark = pytest.mark.django_db

CREATE_ZONE = reverse("route53:create-zone")
REGISTER = reverse("route53:register")
MEGABYTE = "a" * 1_000_000


@pytest.fixture
def zone(admin) -> HostedZone:
    return create_hosted_zone(account=admin.account, name="example.com")


def txt(length: int, letter: str = "t") -> str:
    """A TXT value of exactly `length` characters as Route 53 keeps it: strings of up to 255
    characters, each in quotes, separated by spaces."""
    count = 1  # strings: each takes two quotes and a space more than its text
    while length - 3 * count + 1 > 255 * count:
        count += 1
    size = length - 3 * count + 1
    cuts = [size * n // count for n in range(count + 1)]
    value = " ".join(f'"{letter * (end - start)}"' for start, end in itertools.pairwise(cuts))
    assert len(value) == length
    return value


def record(**fields: str) -> dict[str, str]:
    return {"record_name": "www", "record_type": "A", "ttl": "300", "values": "192.0.2.1",
            **fields}  # fmt: skip


def post_record(client, zone: HostedZone, **fields: str):
    return client.post(reverse("route53:upsert-record", args=[zone.zone_id]), record(**fields))


def user_record_sets(zone: HostedZone):
    return ResourceRecordSet.objects.filter(zone=zone).exclude(type__in=["SOA", "NS"])


# --- The record form ---------------------------------------------------------------------------


def test_a_record_set_of_100_a_values_is_stored_whole(admin_client, zone) -> None:
    values = [f"10.20.30.{n}" for n in range(24, 124)]
    response = post_record(admin_client, zone, values="\r\n".join(values))
    assert response.status_code == 302
    assert user_record_sets(zone).get().values == values
    assert values[-1] == "10.20.30.123"


def test_a_multi_value_txt_set_over_1024_characters_is_stored_whole(admin_client, zone) -> None:
    values = [txt(300, letter) for letter in "abcde"]
    assert len("\n".join(values)) > 1024
    response = post_record(admin_client, zone, record_type="TXT", values="\n".join(values))
    assert response.status_code == 302
    assert user_record_sets(zone).get().values == values


@pytest.mark.parametrize(
    ("values", "stored"),
    [([txt(4000)], True), ([txt(4001)], False)],
    ids=["4000", "4001"],
)
def test_a_value_takes_up_to_4000_characters(admin_client, zone, values, stored) -> None:
    response = post_record(admin_client, zone, record_type="TXT", values="\n".join(values))
    if not stored:
        refused(response, "values", "Each value can have up to 4000 characters")
    assert list(user_record_sets(zone).values_list("values", flat=True)) == (
        [values] if stored else []
    )


FULL_VALUES = [txt(4000, letter) for letter in "abcdefgh"]  # 32,000 characters in all


@pytest.mark.parametrize(
    ("values", "stored"),
    [(FULL_VALUES, True), ([*FULL_VALUES[:7], txt(3999, "h"), txt(2)], False)],
    ids=["32000", "32001"],
)
def test_the_values_take_up_to_32000_characters_in_all(admin_client, zone, values, stored):
    assert sum(map(len, values)) == (32000 if stored else 32001)
    response = post_record(admin_client, zone, record_type="TXT", values="\n".join(values))
    if not stored:
        refused(response, "values", "The values can have up to 32,000 characters in all.")
    assert list(user_record_sets(zone).values_list("values", flat=True)) == (
        [values] if stored else []
    )


def test_a_value_box_over_32800_characters_is_a_field_error(admin_client, zone) -> None:
    response = post_record(admin_client, zone, record_type="TXT", values="a" * 32801)
    refused(response, "values", "The values can have up to 32,000 characters in all.")
    assert not user_record_sets(zone).exists()


def test_a_megabyte_of_values_is_refused_and_never_shown_again(admin_client, zone) -> None:
    response = post_record(admin_client, zone, record_type="TXT", values=MEGABYTE)
    refused(response, "values", "The values can have up to 32,000 characters in all.")
    assert len(response.content) < 100_000
    assert not user_record_sets(zone).exists()


def test_a_record_set_at_its_limits_fits_in_a_request_as_a_browser_sends_it(admin_client, zone):
    values = [txt(4000, letter) for letter in "abcdefgh"]  # quotes and spaces: percent-encoded
    body = urlencode(record(record_type="TXT", values="\r\n".join(values)))
    assert len(body) > 32000 and len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = admin_client.post(
        reverse("route53:upsert-record", args=[zone.zone_id]), body,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 302
    assert user_record_sets(zone).get().values == values


def test_a_request_over_djangos_bound_is_refused_whole(admin_client, zone) -> None:
    response = post_record(admin_client, zone, values=MEGABYTE * 3)
    assert response.status_code == 400
    assert not user_record_sets(zone).exists()


def test_values_within_their_limit_are_shown_again_whole(admin_client, zone) -> None:
    values = "\n".join(f"10.20.30.{n}" for n in range(24, 124))
    response = post_record(admin_client, zone, ttl="soon", values=values)
    assert response.status_code == 400
    assert f">{values}</textarea>" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "words"),
    [(dns_name(254), "is not a valid DNS name"),
     (dns_name(256), "Enter at most 255 characters.")],
    ids=["254", "256"],
)  # fmt: skip
def test_a_record_name_over_253_characters_is_a_field_error(admin_client, zone, name, words):
    refused(post_record(admin_client, zone, record_name=name), "record_name", words)
    assert not user_record_sets(zone).exists()


def test_a_record_name_of_253_characters_is_stored(admin_client, zone) -> None:
    name = dns_name(253)
    assert post_record(admin_client, zone, record_name=name).status_code == 302
    assert user_record_sets(zone).get().name == name


@pytest.mark.parametrize(
    ("ttl", "stored"), [("2147483647", True), ("02147483647", False)], ids=["10", "11"]
)
def test_a_ttl_takes_up_to_10_digits(admin_client, zone, ttl, stored) -> None:
    response = post_record(admin_client, zone, ttl=ttl)
    if not stored:
        refused(response, "ttl", "Enter a TTL from 0 to 2147483647 seconds.")
    assert list(user_record_sets(zone).values_list("ttl", flat=True)) == (
        [int(ttl)] if stored else []
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [(dns_name(253), f"Record {dns_name(253)} A was deleted."),
     (dns_name(256), "Choose a record to delete.")],
    ids=["253", "256"],
)  # fmt: skip
def test_delete_record_takes_a_name_up_to_its_limit(admin_client, zone, typed, said) -> None:
    post_record(admin_client, zone, record_name=dns_name(253))
    response = admin_client.post(
        reverse("route53:delete-record", args=[zone.zone_id]),
        {"record_name": typed, "record_type": "A"},
        follow=True,
    )
    assert [m.message for m in response.context["messages"]][-1] == said
    assert user_record_sets(zone).exists() is (typed != dns_name(253))


# --- Hosted zones and registrations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fields", "table"),
    [(CREATE_ZONE, {"zone_type": "public"}, HostedZone), (REGISTER, {}, DomainRegistration)],
    ids=["zone", "registration"],
)  # fmt: skip
def test_a_domain_name_of_209_characters_is_stored(admin_client, url, fields, table) -> None:
    name = dns_name(209, "com")
    assert admin_client.post(url, {"name": name, **fields}).status_code == 302
    assert table.objects.filter(name=name).exists()


@pytest.mark.parametrize(
    ("length", "words"),
    [(210, "The domain name must be 3 to 209 characters long."),
     (256, "Enter at most 255 characters.")],
)  # fmt: skip
@pytest.mark.parametrize(
    ("url", "fields", "table"),
    [(CREATE_ZONE, {"zone_type": "public"}, HostedZone), (REGISTER, {}, DomainRegistration)],
    ids=["zone", "registration"],
)  # fmt: skip
def test_a_longer_domain_name_is_a_field_error(admin_client, url, fields, table, length, words):
    response = admin_client.post(url, {"name": dns_name(length, "com"), **fields})
    refused(response, "name", words)
    assert not table.objects.exists()


@pytest.mark.parametrize(("length", "stored"), [(256, True), (257, False)])
def test_a_zone_comment_takes_up_to_256_characters(admin_client, length, stored) -> None:
    data = {"name": "example.org", "zone_type": "public", "comment": "c" * length}
    response = admin_client.post(CREATE_ZONE, data)
    if not stored:
        refused(response, "comment", "Enter at most 256 characters.")
    assert HostedZone.objects.filter(comment="c" * length).exists() is stored
