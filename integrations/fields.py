"""A model field that stores its text encrypted (see integrations.crypto)."""

from django.db import models

from integrations import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Empty string stays empty (nothing to protect, and queryable).

    Reading a value no configured key can open raises crypto.DecryptionError: ciphertext is
    never handed back as if it were the secret.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        # Fernet output is randomised: comparing ciphertexts would silently never match.
        if lookup_name not in ("isnull", "exact"):
            return None
        return super().get_lookup(lookup_name)
