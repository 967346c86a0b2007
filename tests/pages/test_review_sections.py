"""Set up directory and Create key end with a Review section, as AWS's review steps: what will be
created, from the values the page holds (the initial ones, then those sent back after a refusal),
each value marked with the field review.js keeps it following; never a password."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from directories.services import KINDS

SETUP = reverse("directories:setup", args=["us-east-1"])
CREATE = reverse("keys:create", args=["us-east-1"])
PASSWORD = "Str0ng-Passw0rd"
REGION = "US East (N. Virginia) (us-east-1)"
MARKUP = "<b>x</b>"


class _Review(HTMLParser):
    """The Review section's lines: {label: (the field it follows, the value's text)}."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, tuple[str | None, str]] = {}
        self._depth = 0  # open tags inside the section
        self._in: str | None = None
        self._of: str | None = None
        self._label = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if self._depth:
            self._depth += 1
        elif attrs.get("data-testid") == "review":
            self._depth = 1
        if self._depth and tag in ("dt", "dd"):
            self._in, self._of, self._text = tag, attrs.get("data-review-of"), []

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == self._in:
            text = " ".join("".join(self._text).split())
            if tag == "dt":
                self._label = text
            else:
                self.lines[self._label] = (self._of, text)
            self._in = None
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def review(response) -> dict[str, tuple[str | None, str]]:
    parser = _Review()
    parser.feed(response.content.decode())
    assert parser.lines, "the page has no Review section"
    return parser.lines


def values(response) -> dict[str, str]:
    return {label: value for label, (_, value) in review(response).items()}


# --- Set up directory ----------------------------------------------------------------------------


def test_a_simple_ads_review_lists_its_initial_settings(admin_client: Client) -> None:
    response = admin_client.get(SETUP, {"directory_type": "SimpleAD"})
    assert review(response) == {
        "Directory type": (None, "Simple AD"),
        "Directory size": ("size", "Small"),
        "Directory DNS name": ("id_name", "-"),
        "Directory NetBIOS name": ("id_short_name", "-"),
        "Admin password": ("id_admin_password", "-"),
        "Created by": ("applications", "-"),
        "Region": (None, REGION),
    }


@pytest.mark.parametrize(
    "kind, settings, expected",
    [
        (
            "SimpleAD",
            {"size": "Large", "short_name": "CORP", "applications": ["WorkDocs", "WorkSpaces"]},
            {
                "Directory type": "Simple AD",
                "Directory size": "Large",
                "Directory DNS name": MARKUP,
                "Directory NetBIOS name": "CORP",
                "Admin password": "-",
                "Created by": "Amazon WorkDocs, Amazon WorkSpaces",
                "Region": REGION,
            },
        ),
        (
            "MicrosoftAD",
            {"edition": "Enterprise", "applications": ["WorkSpaces"]},
            {
                "Directory type": "AWS Managed Microsoft AD",
                "Edition": "Enterprise",
                "Directory DNS name": MARKUP,
                "Directory NetBIOS name": "-",
                "Admin password": "-",
                "Created by": "Amazon WorkSpaces",
                "Region": REGION,
            },
        ),
        (
            "ADConnector",
            {
                "size": "Small",
                "short_name": "ONPREM",
                "dns_ip_addrs": "192.0.2.10, 192.0.2.11",
                "service_account_username": "svc.connector",
            },
            {
                "Directory type": "AD Connector",
                "Directory size": "Small",
                "Directory DNS name": MARKUP,
                "Directory NetBIOS name": "ONPREM",
                "DNS IP addresses": "192.0.2.10, 192.0.2.11",
                "Service account username": "svc.connector",
                "Service account password": "-",
                "Created by": "-",
                "Region": REGION,
            },
        ),
        (
            "SharedMicrosoftAD",
            {"owner_account_id": "210987654321", "edition": "Standard"},
            {
                "Directory type": "Shared AWS Managed Microsoft AD",
                "Directory owner account ID": "210987654321",
                "Edition": "Standard",
                "Directory DNS name": MARKUP,
                "Region": REGION,
            },
        ),
        (
            "MultiRegionMicrosoftAD",
            {"primary_region": "eu-central-1", "short_name": "GLOBAL"},
            {
                "Directory type": "Multi-Region AWS Managed Microsoft AD",
                "Primary Region": "Europe (Frankfurt) (eu-central-1)",
                "Directory DNS name": MARKUP,
                "Directory NetBIOS name": "GLOBAL",
                "Region": REGION,
            },
        ),
    ],
)
def test_after_a_refusal_the_review_lists_every_setting_sent_as_text(
    admin_client: Client, kind: str, settings: dict, expected: dict
) -> None:
    sent = {"directory_type": kind, "name": MARKUP, **settings}
    for password in ("admin_password", "service_account_password", "confirm_password"):
        sent[password] = PASSWORD
    response = admin_client.post(SETUP, sent)
    assert response.status_code == 400  # the DNS name is refused
    assert values(response) == expected
    page = response.content.decode()
    assert MARKUP not in page
    assert PASSWORD not in page


def test_every_directory_types_review_follows_each_of_its_fields_on_the_page(
    admin_client: Client,
) -> None:
    for kind, chosen in KINDS.items():
        response = admin_client.get(SETUP, {"directory_type": kind})
        followed = [of for of, _ in review(response).values() if of]
        assert len(followed) == len(chosen.fields), kind
        page = response.content.decode()
        for of in followed:  # a control's id, or a group's name
            assert f'id="{of}"' in page or f'name="{of}"' in page, (kind, of)


# --- Create key ----------------------------------------------------------------------------------


def test_the_key_review_lists_a_symmetric_key_and_you_as_its_administrator(
    admin_client: Client, admin
) -> None:
    assert review(admin_client.get(CREATE)) == {
        "Key type": ("key_type", "Symmetric"),
        "Key spec": ("id_key_spec", "SYMMETRIC_DEFAULT"),
        "Key usage": ("key_usage", "Encrypt and decrypt"),
        "Alias": ("id_alias_name", "-"),
        "Description": ("id_description", "-"),
        "Key administrators": ("administrators", admin.user.username),
        "Region": (None, REGION),
    }


def test_after_a_refusal_the_key_review_lists_what_was_sent_as_text(admin_client: Client) -> None:
    response = admin_client.post(
        CREATE,
        {
            "key_type": "ASYMMETRIC",
            "key_usage": "SIGN_VERIFY",
            "key_spec": "ECC_NIST_P256",
            "alias_name": "not valid!",
            "description": MARKUP,
        },
    )
    assert response.status_code == 400  # the alias is refused
    assert values(response) == {
        "Key type": "Asymmetric",
        "Key spec": "ECC_NIST_P256",
        "Key usage": "Sign and verify",
        "Alias": "not valid!",
        "Description": MARKUP,
        "Key administrators": "-",
        "Region": REGION,
    }
    assert MARKUP not in response.content.decode()


def test_a_symmetric_keys_review_shows_its_fixed_spec_and_usage(admin_client: Client) -> None:
    response = admin_client.post(
        CREATE,
        {"key_type": "SYMMETRIC", "key_usage": "SIGN_VERIFY", "key_spec": "ECC_NIST_P256"},
    )
    assert response.status_code == 400  # no alias
    assert values(response)["Key spec"] == "SYMMETRIC_DEFAULT"
    assert values(response)["Key usage"] == "Encrypt and decrypt"
    fixed = 'data-review-fixed="SYMMETRIC_DEFAULT" data-review-fixed-when="key_type=SYMMETRIC"'
    assert fixed in response.content.decode()  # for review.js, whatever the options say
