"""Encryption at rest for identifying fields.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a list of keys from
``settings.ENCRYPTION_KEYS``: the first key encrypts, every key decrypts. ``settings.DECRYPTION_ONLY_KEYS``
only decrypt. Rotation without a broken server (docs/runbooks/encryption-keys.md): deploy the new key as
decrypt-only everywhere, then put it first in ENCRYPTION_KEYS, run ``manage.py rotate_encryption_keys``
to re-encrypt every stored value, then drop the old key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], decrypt_only: tuple[str, ...] = ()) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("VANGNET_ENCRYPTION_KEYS is empty")
    try:
        # MultiFernet encrypts with the first key only, so decrypt-only keys go after every encryption key
        return MultiFernet([Fernet(key.encode()) for key in (*keys, *decrypt_only)])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "VANGNET_ENCRYPTION_KEYS must hold url-safe base64 encoded 32-byte keys"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS), tuple(getattr(settings, "DECRYPTION_ONLY_KEYS", ())))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError("A stored value could not be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the current (first) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def is_encrypted_under_primary_key(token: str) -> bool:
    primary = Fernet(settings.ENCRYPTION_KEYS[0].encode())
    try:
        primary.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


class DecryptionError(Exception):
    pass
