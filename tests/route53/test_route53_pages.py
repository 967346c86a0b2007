"""The Route 53 pages: hosted zones, their records, registered domains; admins change, ops read,
another account's zone is a 404, bad input gets a field error in the console's words."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from route53.models import DomainRegistration, HostedZone, RegistrationStatus
from route53.registrar import complete_registration
from route53.services import create_hosted_zone
from tests.conftest import signed_in
from tests.html import text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(admin) -> HostedZone:
    return create_hosted_zone(account=admin.account, name="example.com")


def zone_url(zone: HostedZone, name: str = "route53:zone") -> str:
    return reverse(name, args=[zone.zone_id])


def record(name: str = "www", rtype: str = "A", ttl: str = "300", values: str = "192.0.2.1"):
    return {"record_name": name, "record_type": rtype, "ttl": ttl, "values": values}


def rows(zone: HostedZone) -> dict[tuple[str, str], tuple[int, list[str]]]:
    return {(rs.name, rs.type): (rs.ttl, rs.values) for rs in zone.record_sets.all()}


def test_route53_is_in_the_side_navigation(admin_client) -> None:
    page = admin_client.get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    assert f'href="{reverse("route53:zones")}"' in page and ">Route 53<" in page


def test_create_a_public_zone_and_see_it_in_the_list(admin_client) -> None:
    response = admin_client.post(
        reverse("route53:create-zone"),
        {"name": "Example.org.", "comment": "Mail", "zone_type": "public"},
    )
    zone = HostedZone.objects.get()
    assert response.url == zone_url(zone)
    page = admin_client.get(reverse("route53:zones")).content.decode()
    assert 'Hosted zones <span class="count">(1)</span>' in page
    assert f'data-zone-id="{zone.zone_id}"' in page
    assert "example.org" in page and "Public" in page and "<td>2</td>" in page


def test_a_private_zone_says_private(admin_client) -> None:
    admin_client.post(reverse("route53:create-zone"), {"name": "corp.internal.example",
                                                       "zone_type": "private"})  # fmt: skip
    assert HostedZone.objects.get().private
    assert "<td>Private</td>" in admin_client.get(reverse("route53:zones")).content.decode()


@pytest.mark.parametrize(
    ("name", "words"),
    [("\x00example.com", "Null characters are not allowed"),
     ("a" * 64 + ".com", "labels of 1 to 63"),
     ("bücher.de", "xn-- (Punycode)"),
     ("<script>alert(1)</script>.com", "labels of 1 to 63"),
     ("x" * 300, "at most 255"),
     ("", "Enter a domain name.")],
)  # fmt: skip
def test_a_bad_zone_name_is_a_field_error(admin_client, name, words) -> None:
    response = admin_client.post(reverse("route53:create-zone"),
                                 {"name": name, "zone_type": "public"})  # fmt: skip
    assert response.status_code == 400
    assert words in text(response.content.decode(), "name-error")
    assert "<script>alert" not in response.content.decode()
    assert not HostedZone.objects.exists()


def test_a_zone_shows_its_four_name_servers(admin_client, zone) -> None:
    page = admin_client.get(zone_url(zone)).content.decode()
    assert text(page, "name-servers").split() == zone.name_servers
    assert 'data-testid="not-delegated"' not in page


def test_another_accounts_zone_of_a_claimed_name_is_made_and_says_it_answers_nothing(
    zone, stranger
) -> None:
    client = signed_in(stranger)
    response = client.post(reverse("route53:create-zone"),
                           {"name": "example.com", "zone_type": "public"})  # fmt: skip
    assert response.status_code == 302
    theirs = HostedZone.objects.get(account=stranger.account)
    notice = text(client.get(zone_url(theirs)).content.decode(), "not-delegated")
    assert "doesn't answer DNS queries" in notice and "isn't delegated" in notice


def test_a_sub_zone_of_the_accounts_own_zone_says_where_to_delegate_it(admin_client, zone) -> None:
    admin_client.post(reverse("route53:create-zone"),
                      {"name": "mail.example.com", "zone_type": "public"})  # fmt: skip
    child = HostedZone.objects.get(name="mail.example.com")
    notice = text(admin_client.get(zone_url(child)).content.decode(), "not-delegated")
    assert "answered by your hosted zone example.com" in notice
    admin_client.post(zone_url(zone, "route53:upsert-record"), record(
        "mail", "NS", "172800", "\n".join(f"{server}." for server in child.name_servers)
    ))  # fmt: skip
    assert 'data-testid="not-delegated"' not in admin_client.get(zone_url(child)).content.decode()


def test_the_zone_page_lists_its_record_sets(admin_client, zone) -> None:
    admin_client.post(
        zone_url(zone, "route53:upsert-record"), record(values="192.0.2.1\n192.0.2.2")
    )
    page = admin_client.get(zone_url(zone)).content.decode()
    assert text(page, "zone-id") == zone.zone_id
    assert 'data-record="www.example.com A"' in page
    assert "192.0.2.1<br>192.0.2.2" in page
    assert "example.com SOA" in page and "example.com NS" in page


def test_create_then_edit_a_record_set(admin_client, zone) -> None:
    url = zone_url(zone, "route53:upsert-record")
    response = admin_client.post(url, record(name="mail", rtype="MX", values="10 mx.example.net"))
    assert response.url == zone_url(zone)
    edit = admin_client.get(zone_url(zone), {"edit_name": "mail.example.com", "edit_type": "MX"})
    assert "10 mx.example.net.</textarea>" in edit.content.decode()
    admin_client.post(url, record(name="mail.example.com.", rtype="MX", ttl="60",
                                  values="20 other.example.net."))  # fmt: skip
    assert rows(zone)[("mail.example.com", "MX")] == (60, ["20 other.example.net."])


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [(record(values="300.1.1.1"), "values", "Invalid A value"),
     (record(values=""), "values", "Enter at least one value."),
     (record(values="1.2.3.4\x00"), "values", "Null characters"),
     (record(ttl="-5"), "ttl", "Enter a TTL from 0 to 2147483647"),
     (record(ttl="2147483648"), "ttl", "Enter a TTL from 0 to 2147483647"),
     (record(ttl="٣"), "ttl", "Enter a TTL"),
     (record(rtype="SRV"), "record_type", "Choose a record type"),
     (record(name="www.example.org."), "record_name", "is not permitted in zone"),
     (record(name="a" * 64), "record_name", "not a valid DNS name"),
     (record(name="ü"), "record_name", "xn-- (Punycode)"),
     (record(name="<b>x</b>"), "record_name", "Record names can contain"),
     (record(name="", rtype="CNAME", values="x.example.net"), "record_name", "apex")],
)  # fmt: skip
def test_bad_record_input_is_a_field_error_and_writes_nothing(admin_client, zone, form, field,
                                                              words) -> None:  # fmt: skip
    response = admin_client.post(zone_url(zone, "route53:upsert-record"), form)
    assert response.status_code == 400
    assert any(words in error for error in texts(response.content.decode(), f"{field}-error"))
    assert "<b>x</b>" not in response.content.decode()
    assert len(rows(zone)) == 2


def test_a_cname_beside_an_a_record_is_refused(admin_client, zone) -> None:
    admin_client.post(zone_url(zone, "route53:upsert-record"), record())
    response = admin_client.post(
        zone_url(zone, "route53:upsert-record"), record(rtype="CNAME", values="x.example.net")
    )
    assert response.status_code == 400
    assert "conflicts with other records" in response.content.decode()


def test_delete_a_record_set(admin_client, zone) -> None:
    admin_client.post(zone_url(zone, "route53:upsert-record"), record())
    response = admin_client.post(
        zone_url(zone, "route53:delete-record"),
        {"record_name": "www.example.com", "record_type": "A"}, follow=True,
    )  # fmt: skip
    assert "Record www.example.com A was deleted." in response.content.decode()
    assert ("www.example.com", "A") not in rows(zone)


def test_the_apex_ns_can_not_be_deleted(admin_client, zone) -> None:
    response = admin_client.post(
        zone_url(zone, "route53:delete-record"), {"record_name": "", "record_type": "NS"},
        follow=True,
    )  # fmt: skip
    assert "You can&#x27;t delete the NS record set" in response.content.decode()
    assert ("example.com", "NS") in rows(zone)


def test_a_zone_with_records_is_not_deleted_an_empty_one_is(admin_client, zone) -> None:
    admin_client.post(zone_url(zone, "route53:upsert-record"), record())
    refused = admin_client.post(zone_url(zone, "route53:delete-zone"), follow=True)
    assert "contains non-required resource record sets" in refused.content.decode()
    admin_client.post(zone_url(zone, "route53:delete-record"),
                      {"record_name": "www", "record_type": "A"})  # fmt: skip
    response = admin_client.post(zone_url(zone, "route53:delete-zone"))
    assert response.url == reverse("route53:zones")
    assert not HostedZone.objects.exists()


def test_another_accounts_zone_is_a_404_on_every_page(stranger, zone) -> None:
    client = signed_in(stranger)
    for name in ("route53:zone", "route53:upsert-record", "route53:delete-record",
                 "route53:delete-zone"):  # fmt: skip
        send = client.get if name == "route53:zone" else client.post
        assert send(zone_url(zone, name), record()).status_code == 404
    assert zone.zone_id not in client.get(reverse("route53:zones")).content.decode()
    assert len(rows(zone)) == 2


def test_ops_read_but_can_not_write(ops, zone) -> None:
    client = signed_in(ops)
    page = client.get(zone_url(zone)).content.decode()
    assert "example.com SOA" in page and "Save record" not in page and "Delete zone" not in page
    assert "Create hosted zone" not in client.get(reverse("route53:zones")).content.decode()
    for url in (zone_url(zone, "route53:upsert-record"), zone_url(zone, "route53:delete-zone"),
                reverse("route53:create-zone"), reverse("route53:register")):  # fmt: skip
        assert client.post(url, {**record(), "name": "ops.example.com"}).status_code == 403
    assert len(rows(zone)) == 2 and not DomainRegistration.objects.registered().exists()


@pytest.mark.parametrize("count", [1, 30])
def test_the_pages_use_a_constant_number_of_queries(admin_client, admin, count) -> None:
    zones = [create_hosted_zone(account=admin.account, name=f"z{i}.example.com")
             for i in range(count)]  # fmt: skip
    for i in range(count):
        zones[0].record_sets.create(name=f"r{i}.z0.example.com", type="A", values=["192.0.2.1"])
        DomainRegistration.objects.create(account=admin.account, name=f"d{i}.example.com",
                                          zone=zones[i])  # fmt: skip
    counts = []
    for url in (reverse("route53:zones"), zone_url(zones[0]), reverse("route53:domains")):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == EXPECTED_QUERIES


EXPECTED_QUERIES = [5, 7, 4]  # session+membership, then the page's own (a table's count)


def test_register_a_domain_in_progress_then_successful(admin_client, admin) -> None:
    response = admin_client.post(reverse("route53:register"), {"name": "Brand-New.com"})
    assert response.url == reverse("route53:domains")
    page = admin_client.get(reverse("route53:domains")).content.decode()
    assert 'data-state="IN_PROGRESS"' in page and "In progress" in page
    assert 'hx-trigger="every 2s"' in page
    registration = DomainRegistration.objects.get()
    complete_registration(registration.pk)
    poll = admin_client.get(reverse("route53:domains"), headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling: nothing is in progress any more
    fragment = poll.content.decode()
    assert fragment.lstrip().startswith("<tbody") and "Successful" in fragment
    assert HostedZone.objects.get(name="brand-new.com").zone_id in fragment
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUCCESSFUL


@pytest.mark.parametrize(
    ("name", "words"),
    [("taken.com", "taken.com is not available"), ("bad_name.com", "labels of 1 to 63"),
     ("\x00", "Null characters"), ("x" * 1000, "at most 255")],
)  # fmt: skip
def test_register_refuses_with_a_field_error(admin_client, stranger, name, words) -> None:
    DomainRegistration.objects.create(account=stranger.account, name="taken.com")
    response = admin_client.post(reverse("route53:register"), {"name": name})
    assert response.status_code == 400
    assert words in text(response.content.decode(), "name-error")
    assert DomainRegistration.objects.count() == 1


def test_record_types_are_offered_in_capitals_as_route53_writes_them(admin_client, zone) -> None:
    page = admin_client.get(zone_url(zone)).content.decode()
    select = page.split('name="record_type"', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r"<option [^>]*>([^<]+)</option>", select)
    assert {"A", "AAAA", "CNAME", "MX", "TXT"} <= set(offered)
    assert all(label == label.upper() for label in offered)  # never "Cname" or "Mx"
