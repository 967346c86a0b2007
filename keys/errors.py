"""AWS KMS's errors, in the console's error family (workmail_console.errors)."""

# KMS has UnsupportedOperationException too: one class serves both services.
from workmail_console.errors import UnsupportedOperationException as UnsupportedOperationException
from workmail_console.errors import WorkMailError


class NotFoundException(WorkMailError):
    code = "NotFoundException"


class AlreadyExistsException(WorkMailError):
    code = "AlreadyExistsException"


class InvalidAliasNameException(WorkMailError):
    code = "InvalidAliasNameException"


class KMSInvalidStateException(WorkMailError):
    code = "KMSInvalidStateException"


class ValidationException(WorkMailError):
    code = "ValidationException"
