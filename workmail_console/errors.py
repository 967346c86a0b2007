"""The WorkMail error family: each exception knows its AWS error code and a human message.

Services raise these; the JSON API turns them into {"__type", "Message"}, and views into a field
error or a flash message in the console's words.
"""


class WorkMailError(Exception):
    code = "InvalidParameterException"
    status = 400  # the API's HTTP status: AWS answers 400 for every modeled WorkMail error

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the error belongs to, when there is one


class InvalidParameterException(WorkMailError):
    code = "InvalidParameterException"


class NameAvailabilityException(WorkMailError):
    code = "NameAvailabilityException"


class LimitExceededException(WorkMailError):
    code = "LimitExceededException"


class DirectoryInUseException(WorkMailError):
    code = "DirectoryInUseException"


class DirectoryUnavailableException(WorkMailError):
    code = "DirectoryUnavailableException"


class OrganizationNotFoundException(WorkMailError):
    code = "OrganizationNotFoundException"


class OrganizationStateException(WorkMailError):
    code = "OrganizationStateException"


class IdempotentParameterMismatchException(WorkMailError):
    code = "IdempotentParameterMismatchException"


# Directory Service's own error codes, for the directories' actions.


class ClientException(WorkMailError):
    code = "ClientException"


class EntityAlreadyExistsException(WorkMailError):
    code = "EntityAlreadyExistsException"


class EntityDoesNotExistException(WorkMailError):
    code = "EntityDoesNotExistException"


# WorkMail's errors for users and mail domains.


class InvalidPasswordException(WorkMailError):
    code = "InvalidPasswordException"


class EmailAddressInUseException(WorkMailError):
    code = "EmailAddressInUseException"


class EntityNotFoundException(WorkMailError):
    code = "EntityNotFoundException"


class EntityStateException(WorkMailError):
    code = "EntityStateException"


class MailDomainNotFoundException(WorkMailError):
    code = "MailDomainNotFoundException"


class MailDomainStateException(WorkMailError):
    code = "MailDomainStateException"


class UnsupportedOperationException(WorkMailError):
    code = "UnsupportedOperationException"


class MailDomainInUseException(WorkMailError):
    code = "MailDomainInUseException"


class ReservedNameException(WorkMailError):
    code = "ReservedNameException"


class EntityAlreadyRegisteredException(WorkMailError):
    code = "EntityAlreadyRegisteredException"


class InvalidConfigurationException(WorkMailError):
    code = "InvalidConfigurationException"


# WorkMail's errors for an organization's tags.


class TooManyTagsException(WorkMailError):
    code = "TooManyTagsException"


# WorkMail's errors for an organization's availability configurations.


class ResourceNotFoundException(WorkMailError):
    code = "ResourceNotFoundException"


# Console-only settings (no API), named as WorkMail names its errors for a thing still in use.


class SmtpGatewayInUseException(WorkMailError):
    code = "SmtpGatewayInUseException"
