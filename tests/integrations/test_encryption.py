"""Secrets at rest: encrypted with the first key, readable with any, never leaked as ciphertext."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from integrations.crypto import DecryptionError
from integrations.models import IntegrationConfig

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_column(config, column="signature_token"):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM integrations_integrationconfig WHERE id = %s", [config.pk]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def config(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return IntegrationConfig.objects.create(subdomain="Acme", signature_token="s3cret-token")


def test_secret_is_stored_encrypted_and_read_back(config):
    stored = raw_column(config)
    assert stored != "s3cret-token"
    assert "s3cret" not in stored
    assert Fernet(OLD_KEY.encode()).decrypt(stored.encode()) == b"s3cret-token"
    assert IntegrationConfig.objects.get(pk=config.pk).signature_token == "s3cret-token"


def test_empty_secret_stays_empty(db):
    config = IntegrationConfig.objects.create(subdomain="Empty")
    assert raw_column(config) == ""
    assert IntegrationConfig.objects.get(pk=config.pk).signature_token == ""


def test_wrong_key_raises_a_clear_error_not_ciphertext(config, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        IntegrationConfig.objects.get(pk=config.pk)


def test_invalid_key_is_a_configuration_error(config, settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="entry 1 is not a valid Fernet key"):
        IntegrationConfig.objects.get(pk=config.pk)


def test_no_key_is_a_configuration_error(config, settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is empty"):
        IntegrationConfig.objects.get(pk=config.pk)


def test_rotation_re_encrypts_with_the_first_key(config, settings):
    config.access_token = "access-123"
    config.save()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_encryption_keys", stdout=io.StringIO())

    for column, plain in [("signature_token", b"s3cret-token"), ("access_token", b"access-123")]:
        assert Fernet(NEW_KEY.encode()).decrypt(raw_column(config, column).encode()) == plain
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    reloaded = IntegrationConfig.objects.get(pk=config.pk)
    assert reloaded.signature_token == "s3cret-token"
    assert reloaded.access_token == "access-123"


def test_encrypted_fields_refuse_lookups_that_cannot_work(config):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(IntegrationConfig.objects.filter(signature_token__startswith="s3"))
