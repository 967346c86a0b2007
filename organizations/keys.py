"""The emulated KMS inventory as the organization lifecycle sees it."""

from organizations.models import EncryptionKey, KeyManager, KeyState


def workmail_managed_key(*, account_id: str, region: str) -> EncryptionKey:
    """Use an Amazon WorkMail managed key: the account's aws/workmail key, made on first use."""
    key, _ = EncryptionKey.objects.get_or_create(
        account_id=account_id,
        region=region,
        alias=EncryptionKey.WORKMAIL_MANAGED_ALIAS,
        key_manager=KeyManager.AWS,
        defaults={
            "description": "Default key that protects my WorkMail mailboxes"
            " when no other key is defined"
        },
    )
    return key


def key_problem(key: EncryptionKey, *, region: str) -> str | None:
    """Why the key can't encrypt an organization's mailboxes, in the console's words, or None."""
    if key.key_state == KeyState.PENDING_DELETION:
        return f"The KMS key {key.arn} is pending deletion."
    if key.key_state != KeyState.ENABLED:
        return f"The KMS key {key.arn} is disabled."
    if key.key_spec != "SYMMETRIC_DEFAULT":
        return f"The KMS key {key.arn} is not a symmetric key."
    if key.region != region:
        return f"The KMS key {key.arn} is in another Region."
    return None
