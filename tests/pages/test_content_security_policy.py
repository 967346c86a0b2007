"""Content Security Policy: scripts and styles from this site only, no inline code, no eval."""

import re

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory


def test_pages_send_a_policy_whose_nonce_is_on_their_scripts(admin_client, admin) -> None:
    OrganizationFactory(account=admin.account)
    response = admin_client.get(reverse("organizations:list", args=["us-east-1"]))
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert len(scripts) >= 2
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(admin_client) -> None:
    page = admin_client.get(reverse("organizations:list", args=["us-east-1"])).content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page
    assert "style=" not in page


def directives(client) -> dict[str, str]:
    """A page's policy, directive by directive."""
    response = client.get(reverse("organizations:list", args=["us-east-1"]))
    policy = response.headers["Content-Security-Policy"]
    return dict(d.strip().partition(" ")[::2] for d in policy.split(";") if d.strip())


DIRECTIVES = {
    "default-src": "'self'",  # whatever is not named below: this site only
    "object-src": "'none'",  # no plugins
    "base-uri": "'none'",  # no <base> to send relative script URLs elsewhere
    "form-action": "'self'",  # forms post only here
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "style-src": "'self'",
    "frame-ancestors": "'none'",  # never framed (clickjacking)
}


@pytest.mark.parametrize(("directive", "value"), DIRECTIVES.items())
def test_each_directive_of_the_policy_has_its_value(admin_client, directive, value) -> None:
    assert directives(admin_client)[directive] == value


def test_the_policy_names_these_directives_and_no_other(admin_client) -> None:
    assert set(directives(admin_client)) == {*DIRECTIVES, "script-src"}
