"""Content Security Policy: scripts and styles from this site only, no inline code, no eval."""

import re

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
