"""Set up directory: choose the type, then its settings; each rule's error in the console's words,
under its field; passwords stored hashed and never shown or logged."""

import logging
from html import escape

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse

from directories.models import Directory, DirectoryEvent
from tests.conftest import signed_in
from tests.html import key_values

URL = reverse("directories:setup", args=["us-east-1"])
PASSWORD = "Str0ng-Passw0rd"
SERVICE_PASSWORD = "on-premises-Secret-7"

SETTINGS = {
    "SimpleAD": {
        "size": "Small",
        "name": "corp.example.com",
        "short_name": "CORP",
        "admin_password": PASSWORD,
        "confirm_password": PASSWORD,
    },
    "MicrosoftAD": {
        "edition": "Enterprise",
        "name": "corp.example.com",
        "admin_password": PASSWORD,
        "confirm_password": PASSWORD,
    },
    "ADConnector": {
        "size": "Large",
        "name": "onprem.example.com",
        "short_name": "ONPREM",
        "dns_ip_addrs": "192.0.2.10, 192.0.2.11",
        "service_account_username": "svc.connector",
        "service_account_password": SERVICE_PASSWORD,
        "confirm_password": SERVICE_PASSWORD,
    },
    "SharedMicrosoftAD": {
        "owner_account_id": "210987654321",
        "edition": "Standard",
        "name": "shared.example.com",
    },
    "MultiRegionMicrosoftAD": {"primary_region": "eu-central-1", "name": "global.example.com"},
}


def form(kind: str = "SimpleAD", **overrides: str) -> dict[str, str]:
    return {"directory_type": kind, **SETTINGS[kind], **overrides}


def test_the_first_step_offers_the_directory_types(admin_client: Client) -> None:
    page = admin_client.get(URL).content.decode()
    for words in [
        "Set up directory",
        "Directory types",
        "AWS Managed Microsoft AD",
        "Simple AD",
        "AD Connector",
        "Shared AWS Managed Microsoft AD",
        "Multi-Region AWS Managed Microsoft AD",
        "Next",
    ]:
        assert words in page
    assert 'method="get"' in page  # choosing a type changes nothing


@pytest.mark.parametrize(
    ("kind", "shown", "not_shown"),
    [
        ("SimpleAD", ["Directory size", "Admin password", "Confirm password"], ["Edition"]),
        ("MicrosoftAD", ["Edition", "Directory NetBIOS name"], ["Directory size"]),
        (
            "ADConnector",
            ["DNS IP addresses", "Service account username", "Service account password"],
            ["Admin password"],
        ),
        ("SharedMicrosoftAD", ["Directory owner account ID", "Edition"], ["Admin password"]),
        ("MultiRegionMicrosoftAD", ["Primary Region"], ["Admin password", "Directory size"]),
    ],
)
def test_choosing_a_type_asks_for_its_settings(admin_client, kind, shown, not_shown) -> None:
    page = admin_client.get(URL, {"directory_type": kind}).content.decode()
    assert all(label in page for label in shown)
    assert not any(f">{label}" in page for label in not_shown)
    assert "Create directory" in page


def test_a_simple_ad_is_requested_with_its_settings(admin_client, admin) -> None:
    response = admin_client.post(URL, form(applications="WorkDocs"), follow=True)
    directory = Directory.objects.get()
    assert response.redirect_chain[-1][0] == directory.get_absolute_url()
    assert f"Directory {directory.directory_id} is being created." in response.content.decode()
    assert (directory.account, directory.region) == (admin.account, "us-east-1")
    assert (directory.directory_type, directory.stage) == ("SimpleAD", "Requested")
    assert (directory.name, directory.short_name, directory.size) == (
        "corp.example.com",
        "CORP",
        "Small",
    )
    assert directory.alias == directory.directory_id  # no alias yet
    assert directory.applications == ["WorkDocs"]
    assert list(directory.events.values_list("from_state", "to_state")) == [("", "Requested")]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("MicrosoftAD", {"Directory type": "AWS Managed Microsoft AD (MicrosoftAD)",
                         "Edition": "Enterprise", "Directory NetBIOS name": "CORP"}),
        ("ADConnector", {"Directory type": "AD Connector (ADConnector)",
                         "DNS IP addresses": "192.0.2.10, 192.0.2.11",
                         "Service account username": "svc.connector", "Directory size": "Large"}),
        ("SharedMicrosoftAD", {"Directory type": "Shared Microsoft AD (SharedMicrosoftAD)",
                               "Directory owner account ID": "210987654321"}),
        ("MultiRegionMicrosoftAD", {"Directory type": "AWS Managed Microsoft AD (MicrosoftAD)",
                                    "Primary Region": "eu-central-1", "Edition": "Enterprise"}),
    ],
)  # fmt: skip
def test_each_kind_is_set_up_with_what_it_asked(admin_client, kind, expected) -> None:
    response = admin_client.post(URL, form(kind), follow=True)
    shown = key_values(response.content.decode())
    assert {label: shown.get(label) for label in expected} == expected


def test_setting_up_sends_the_directory_to_the_workers_once_committed(
    admin_client, published_tasks, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(URL, form())
    directory = Directory.objects.get()
    assert published_tasks == [
        ("workmail_console.tasks.advance", ["directory", str(directory.pk), "Requested"])
    ]


RULES = [
    ("SimpleAD", "name", "", "Enter the directory DNS name"),
    ("SimpleAD", "name", "corp", "must be a fully qualified domain name"),
    ("SimpleAD", "name", "corp..example.com", "must be a fully qualified domain name"),
    ("SimpleAD", "name", "-corp.example.com", "must be a fully qualified domain name"),
    ("SimpleAD", "short_name", "A" * 16, "can be up to 15 characters long"),
    ("SimpleAD", "short_name", "CO:RP", "can't begin with a period or contain"),
    ("SimpleAD", "short_name", ".CORP", "can't begin with a period or contain"),
    ("SimpleAD", "size", "Medium", "Choose the directory size: Small or Large."),
    ("MicrosoftAD", "edition", "Hybrid", "Choose the edition: Standard or Enterprise."),
    ("SimpleAD", "admin_password", "Sh0rt!", "between 8 and 64 characters"),
    ("SimpleAD", "admin_password", "A1!" + "a" * 62, "between 8 and 64 characters"),
    ("SimpleAD", "admin_password", "lowercase-only", "three of the following four categories"),
    ("SimpleAD", "admin_password", "NoDigitsOrSigns", "three of the following four categories"),
    ("SimpleAD", "admin_password", "", "Enter an admin password."),
    ("SimpleAD", "confirm_password", "Str0ng-Passw0rD", "The passwords do not match."),
    ("ADConnector", "dns_ip_addrs", "", "at least one of your DNS servers"),
    ("ADConnector", "dns_ip_addrs", "192.0.2.1, 192.0.2.2, 192.0.2.3", "at most 2 DNS IP"),
    ("ADConnector", "dns_ip_addrs", "192.0.2.300", "is not an IPv4 address"),
    ("ADConnector", "dns_ip_addrs", "2001:db8::1", "is not an IPv4 address"),
    ("ADConnector", "dns_ip_addrs", "192.0.2.1,192.0.2.1", "two different DNS IP addresses"),
    ("ADConnector", "service_account_username", "", "Enter the service account username."),
    ("ADConnector", "service_account_username", "svc user", "can contain only letters"),
    ("ADConnector", "service_account_password", "", "Enter the service account password."),
    ("ADConnector", "service_account_password", "x" * 129, "up to 128 characters"),
    ("ADConnector", "confirm_password", "other", "The passwords do not match."),
    ("SimpleAD", "applications", "WorkMail", "Choose Amazon WorkDocs, Amazon WorkSpaces"),
    ("SharedMicrosoftAD", "owner_account_id", "12345", "Enter the 12-digit ID"),
    ("MultiRegionMicrosoftAD", "primary_region", "", "Choose the Region"),
    ("MultiRegionMicrosoftAD", "primary_region", "us-east-1", "Choose the Region"),
]


@pytest.mark.parametrize(("kind", "field", "value", "message"), RULES)
def test_each_rule_refuses_with_its_reason_under_its_field(
    admin_client, kind, field, value, message
) -> None:
    response = admin_client.post(URL, form(kind, **{field: value}))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert escape(message) in response.content.decode()
    assert not Directory.objects.exists()


def test_a_shared_directory_is_owned_by_another_account(admin_client, admin) -> None:
    response = admin_client.post(
        URL, form("SharedMicrosoftAD", owner_account_id=admin.account.account_id)
    )
    assert response.status_code == 400
    assert "A shared directory is owned by another AWS account." in response.content.decode()


def test_every_error_shows_at_once(admin_client) -> None:
    response = admin_client.post(
        URL, form(name="corp", short_name="C" * 16, admin_password="weak", size="Huge")
    )
    errors = response.context["form"].errors
    assert set(errors) == {"name", "short_name", "admin_password", "size"}


def test_the_netbios_name_defaults_to_the_first_part_of_the_dns_name(admin_client) -> None:
    admin_client.post(URL, form(short_name="", name="engineering.corp.example.com"))
    assert Directory.objects.get().short_name == "ENGINEERING"


def test_an_unknown_directory_type_is_refused_on_the_first_step(admin_client) -> None:
    response = admin_client.post(URL, {**form(), "directory_type": "CognitoUserPool"})
    assert response.status_code == 400
    assert "Choose a directory type." in response.content.decode()
    assert not Directory.objects.exists()


def test_passwords_are_stored_hashed(admin_client) -> None:
    admin_client.post(URL, form())
    admin_client.post(URL, form("ADConnector"))
    simple, connector = Directory.objects.order_by("directory_type").reverse()
    assert PASSWORD not in simple.admin_password
    assert check_password(PASSWORD, simple.admin_password)
    assert SERVICE_PASSWORD not in connector.service_account_password
    assert check_password(SERVICE_PASSWORD, connector.service_account_password)


def test_passwords_never_come_back_in_a_page(admin_client, admin) -> None:
    refused = admin_client.post(URL, form(name="corp"))  # re-rendered with its errors
    assert refused.status_code == 400
    assert PASSWORD not in refused.content.decode()
    accepted = admin_client.post(URL, form(), follow=True)
    directory = Directory.objects.get()
    pages = [
        accepted,
        admin_client.get(directory.get_absolute_url()),
        admin_client.get(reverse("directories:list", args=["us-east-1"])),
    ]
    for page in pages:
        assert PASSWORD not in page.content.decode()
        assert directory.admin_password not in page.content.decode()  # nor its hash


def test_passwords_never_reach_the_logs(admin_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    admin_client.post(URL, form(name="corp"))
    admin_client.post(URL, form())
    admin_client.post(URL, form("ADConnector", name="x"))
    admin_client.post(URL, form("ADConnector"))
    assert Directory.objects.count() == 2
    assert caplog.records  # the requests were logged: a 400 is a warning
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert PASSWORD not in logged and SERVICE_PASSWORD not in logged


def test_an_error_report_would_hide_the_password_fields(admin_client) -> None:
    """Were the request to fail, Django's error report (and its e-mail) leaves these out."""
    request = admin_client.post(URL, form()).wsgi_request
    hidden = set(request.sensitive_post_parameters)
    assert {"admin_password", "confirm_password", "service_account_password"} <= hidden


def test_ops_can_not_set_up_a_directory(ops) -> None:
    client = signed_in(ops)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    assert not Directory.objects.exists()
    assert not DirectoryEvent.objects.exists()
