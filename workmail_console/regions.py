"""The three AWS Regions where Amazon WorkMail runs, and how a page names its Region.

Every Region-scoped console URL starts with its Region (`/eu-west-1/organizations/`), so a page,
its forms and its polls stay in the Region they were opened in, whatever another tab does. The
last Region a person opened is remembered in a cookie, only to decide where `/` and sign-in land.
"""

from django.http import HttpRequest

REGIONS: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
}
DEFAULT_REGION = "us-east-1"
REGION_CHOICES = list(REGIONS.items())
REMEMBERED_REGION_COOKIE = "workmail_region"


def remembered_region(request: HttpRequest) -> str:
    """The Region this browser opened last, or the default one."""
    region = request.COOKIES.get(REMEMBERED_REGION_COOKIE)
    return region if region in REGIONS else DEFAULT_REGION
