"""API access keys: a person's two keys, their secrets kept encrypted, shown once.

A SigV4 signature is an HMAC keyed by the secret, so the server must be able to read the secret
back: it is stored encrypted (Fernet, with a key derived from SECRET_KEY through HKDF), never
hashed. A new SECRET_KEY makes every stored secret unreadable: the keys must then be made again.
"""

import base64
import re
import secrets
import string
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from workmail_console.errors import LimitExceededException, WorkMailError
from workmail_console.models import AccessKey

KEYS_A_PERSON = 2
KEY_ID_ALPHABET = string.ascii_uppercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
KEY_ID_PATTERN = re.compile(r"AKIA[A-Z0-9]{16}")


class NoSuchAccessKey(WorkMailError):
    code = "NoSuchEntity"


def new_key_id() -> str:
    """`AKIA` and 16 upper-case letters and digits, as AWS's long-term keys."""
    return "AKIA" + "".join(secrets.choice(KEY_ID_ALPHABET) for _ in range(16))


def new_secret() -> str:
    """40 characters of letters, digits, + and /, as AWS's secret access keys."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(40))


@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"workmail-console access keys"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> bytes:
    return _fernet(settings.SECRET_KEY).encrypt(secret.encode())


def decrypt(encrypted: bytes) -> str | None:
    """A secret from what encrypt_secret made of it, or None under another SECRET_KEY."""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(encrypted).decode()
    except InvalidToken:
        return None


def create_access_key(user: AbstractBaseUser) -> tuple[AccessKey, str]:
    """A new active key for `user`, and its secret: the only time anyone sees it.

    Each key takes one of the person's two slots; the unique (user, slot) constraint refuses a
    third, however many creates arrive at once.
    """
    secret = new_secret()
    for slot in range(1, KEYS_A_PERSON + 1):
        try:
            with transaction.atomic():
                key = AccessKey.objects.create(
                    key_id=new_key_id(),
                    user=user,
                    slot=slot,
                    encrypted_secret=encrypt_secret(secret),
                )
        except IntegrityError:
            continue  # the slot is taken (a key id collision is 36**16 to one: tried again)
        return key, secret
    raise LimitExceededException(
        f"You can have at most {KEYS_A_PERSON} access keys. Delete one to create another."
    )


def keys_of(user: AbstractBaseUser) -> list[AccessKey]:
    return list(AccessKey.objects.filter(user=user))


def access_key_of(user: AbstractBaseUser, key_id: str) -> AccessKey:
    """One of the person's own keys; another person's, or a made-up id, does not exist."""
    key = None
    if KEY_ID_PATTERN.fullmatch(key_id):  # checked first: PostgreSQL refuses a NUL in a query
        key = AccessKey.objects.filter(user=user, key_id=key_id).first()
    if key is None:
        raise NoSuchAccessKey(f"The access key {key_id[:20]} does not exist.")
    return key


def set_active(user: AbstractBaseUser, key_id: str, *, active: bool) -> AccessKey:
    """Activate or deactivate one of the person's keys; an inactive key signs nothing."""
    key = access_key_of(user, key_id)
    AccessKey.objects.filter(pk=key.pk).update(active=active)
    key.active = active
    return key


def delete_access_key(user: AbstractBaseUser, key_id: str) -> None:
    access_key_of(user, key_id).delete()
