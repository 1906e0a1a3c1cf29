import datetime

import pytest
from django.utils import timezone

from hr.models import Gender
from integrations.models import IntegrationConfig
from tests.lever_payloads import SIGNATURE_TOKEN
from tests.load.fake_lever import ACCESS_TOKEN

SUBDOMAIN = "LoadHR"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def genders(transactional_db):
    """The picklist the data migration creates. These tests commit for real, and an earlier
    transactional test's flush may have emptied it (serialized_rollback would clash with the
    HR Professional group that the flush's post-migrate step creates again)."""
    for code, name in [("U", "Not Known"), ("F", "Female"), ("M", "Male")]:
        Gender.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture
def load_config(genders, bob, company, new_starter_process):
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
