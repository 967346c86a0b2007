"""Every URL path converter, registered once (the root URLconf imports this module), so that an
app's URLs don't depend on which other app's were included first.

Each matches exactly its ID's shape, so a malformed ID is a 404 before any query runs.
"""

import re

from django.urls import register_converter

from workmail_console.regions import REGIONS

ORGANIZATION_ID_PATTERN = re.compile(r"m-[0-9a-f]{32}")  # OrganizationId
DIRECTORY_ID_PATTERN = re.compile(r"d-[0-9a-f]{10}")  # Directory Service's DirectoryId


class _Exact:
    regex: str

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(f"{value!r} does not match {self.regex}")
        return value


class RegionConverter(_Exact):
    """`<region:region>`: one of the WorkMail Regions, nothing else."""

    regex = "|".join(re.escape(code) for code in REGIONS)


class OrganizationIdConverter(_Exact):
    """`<organization_id:organization_id>`: `m-` and 32 lowercase hex digits."""

    regex = ORGANIZATION_ID_PATTERN.pattern


class DirectoryIdConverter(_Exact):
    """`<directory_id:directory_id>`: `d-` and 10 lowercase hex digits."""

    regex = DIRECTORY_ID_PATTERN.pattern


register_converter(RegionConverter, "region")
register_converter(OrganizationIdConverter, "organization_id")
register_converter(DirectoryIdConverter, "directory_id")
