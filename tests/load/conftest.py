import datetime

import pytest
from django.utils import timezone

from integrations.models import IntegrationConfig
from tests.lever_payloads import SIGNATURE_TOKEN
from tests.load.fake_lever import ACCESS_TOKEN

SUBDOMAIN = "LoadHR"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def load_config(migrated_picklists, bob, company, new_starter_process):
    """An enabled, authorised config whose token outlives the test (no refresh needed)."""
    return IntegrationConfig.objects.create(
        subdomain=SUBDOMAIN,
        signature_token=SIGNATURE_TOKEN,
        new_hire_administrator=bob,
        default_company=company,
        status=IntegrationConfig.Status.AUTHORISED,
        authorised_at=timezone.now(),
        access_token=ACCESS_TOKEN,
        refresh_token="load-test-refresh-token",
        token_expires_at=timezone.now() + datetime.timedelta(hours=2),
    )
