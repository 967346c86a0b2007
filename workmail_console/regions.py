"""The three AWS Regions where Amazon WorkMail runs."""

REGIONS: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
}
DEFAULT_REGION = "us-east-1"
REGION_CHOICES = list(REGIONS.items())
