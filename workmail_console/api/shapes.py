"""WorkMail's service model (botocore's own copy) and the server-side checks boto3 leaves to us.

boto3 checks required members, types and minimums before it sends; the server checks the rest:
maximum lengths, patterns (anchored, ASCII, as the model's Java origin reads them), enums, ranges.
A wrong type is a SerializationException; every other failure an InvalidParameterException with
AWS's "N validation errors detected" wording.
"""

import re
from functools import cache
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel, Shape

from workmail_console.errors import InvalidParameterException, WorkMailError

SHOWN_VALUE_MAX = 128  # a refused value is echoed up to this many characters


class SerializationException(WorkMailError):
    code = "SerializationException"


@cache
def service_model() -> ServiceModel:
    return ServiceModel(Loader().load_service_model("workmail", "service-2"), "workmail")


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
}
_TYPE_WORDS = {
    "string": "a string",
    "structure": "an object",
    "map": "an object",
    "list": "a list",
    "boolean": "a boolean",
    "integer": "an integer",
    "long": "an integer",
}


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def refuse(self, shape: Shape, value: Any, path: str, constraint: str) -> None:
        if shape.serialization.get("sensitive") or shape.metadata.get("sensitive"):
            self.problems.append(f"Value at '{path}' failed to satisfy constraint: {constraint}")
            return
        shown = value if isinstance(value, int) else repr(value)[1:-1][:SHOWN_VALUE_MAX]
        self.problems.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}"
        )

    def check(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        expected = _PYTHON_TYPES.get(kind)
        if expected is None:
            raise SerializationException(f"The value at '{path}' can't be read.")
        if not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool)):
            raise SerializationException(f"The value at '{path}' must be {_TYPE_WORDS[kind]}.")
        getattr(self, f"_{kind}")(shape, value, path)

    def _structure(self, shape: Shape, value: dict, path: str) -> None:
        for name in shape.required_members:
            if value.get(name) is None:
                self.refuse(shape, None, _join(path, name), "Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                self.check(member, value[name], _join(path, name))

    def _map(self, shape: Shape, value: dict, path: str) -> None:
        self._length(shape, value, path)
        for key, item in value.items():
            self.check(shape.key, key, f"{path}.key")
            self.check(shape.value, item, f"{path}.{key}")

    def _list(self, shape: Shape, value: list, path: str) -> None:
        self._length(shape, value, path)
        for index, item in enumerate(value, start=1):
            self.check(shape.member, item, f"{path}.{index}.member")

    def _string(self, shape: Shape, value: str, path: str) -> None:
        try:
            value.encode()
        except UnicodeEncodeError:
            raise SerializationException(f"The value at '{path}' is not valid UTF-8.") from None
        if "\x00" in value:
            self.refuse(shape, value, path, "Member must not contain NUL characters")
            return
        self._length(shape, value, path)
        if (enum := shape.enum) and value not in enum:
            self.refuse(
                shape, value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
        pattern = shape.metadata.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            self.refuse(
                shape, value, path, f"Member must satisfy regular expression pattern: {pattern}"
            )

    def _integer(self, shape: Shape, value: int, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.refuse(
                shape, value, path, f"Member must have value greater than or equal to {low}"
            )
        elif high is not None and value > high:
            self.refuse(shape, value, path, f"Member must have value less than or equal to {high}")

    _long = _integer

    def _boolean(self, shape: Shape, value: bool, path: str) -> None:
        pass

    def _length(self, shape: Shape, value: Any, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and len(value) < low:
            self.refuse(
                shape, value, path, f"Member must have length greater than or equal to {low}"
            )
        elif high is not None and len(value) > high:
            self.refuse(shape, value, path, f"Member must have length less than or equal to {high}")


def _join(path: str, name: str) -> str:
    return f"{path}.{_camel(name)}" if path else _camel(name)


def validate_input(operation: str, body: Any) -> dict[str, Any]:
    """The call's parameters, checked against `operation`'s input shape; unknown members dropped."""
    shape = service_model().operation_model(operation).input_shape
    if not isinstance(body, dict):
        raise SerializationException("The request body must be a JSON object.")
    if shape is None:
        return {}
    checker = _Checker()
    checker.check(shape, body, "")
    if checker.problems:
        count = len(checker.problems)
        noun = "error" if count == 1 else "errors"
        raise InvalidParameterException(
            f"{count} validation {noun} detected: {'; '.join(checker.problems)}"
        )
    return {name: body[name] for name in shape.members if body.get(name) is not None}
