"""AWS KMS's errors, in the console's error family (workmail_console.errors)."""

from workmail_console.errors import WorkMailError


class NotFoundException(WorkMailError):
    code = "NotFoundException"


class AlreadyExistsException(WorkMailError):
    code = "AlreadyExistsException"


class InvalidAliasNameException(WorkMailError):
    code = "InvalidAliasNameException"


class KMSInvalidStateException(WorkMailError):
    code = "KMSInvalidStateException"


class UnsupportedOperationException(WorkMailError):
    code = "UnsupportedOperationException"


class ValidationException(WorkMailError):
    code = "ValidationException"
