"""AWS JSON 1.1 out: timestamps as epoch seconds (a number, fractions allowed), as AWS sends."""

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID


def default(value: Any) -> Any:
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).timestamp()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    return json.dumps(value, default=default, separators=(",", ":"))
