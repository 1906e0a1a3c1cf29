"""Encryption of secrets at rest with MultiFernet, keys from settings.FIELD_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so a new key can be put first and the old ones kept
until `manage.py rotate_encryption_keys` has re-encrypted everything.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """Stored ciphertext that none of the configured keys can open."""


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: set it to one or more Fernet keys, comma-separated "
            "(generate one with `python manage.py generate_encryption_key`)."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip()))
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from exc
    return MultiFernet(fernets)


def get_multifernet() -> MultiFernet:
    # Read the setting on every call (cached per value) so override_settings and rotation work.
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return get_multifernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return get_multifernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key that "
            "encrypted it is missing. Put the old key back (after the new one) and run "
            "`manage.py rotate_encryption_keys`."
        ) from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the first key."""
    try:
        return get_multifernet().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A stored secret cannot be decrypted with any key.") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()
