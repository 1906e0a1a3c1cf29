import datetime

import pytest
import responses
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from integrations.models import IntegrationConfig
from tests.lever_payloads import HIRED_REASON_ID, OPPORTUNITY_ID, SIGNATURE_TOKEN, fixture


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The named users are created in almost every test here; real hashing costs ~0.5 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def config(db, bob, company):
    """An enabled, authorised config whose access token is fresh, so no refresh happens."""
    return IntegrationConfig.objects.create(
        subdomain="AcmeHR",
        signature_token=SIGNATURE_TOKEN,
        new_hire_administrator=bob,
        default_company=company,
        status=IntegrationConfig.Status.AUTHORISED,
        authorised_at=timezone.now(),
        access_token="test-access-token",
        refresh_token="test-refresh-token",
        token_expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


@pytest.fixture
def lever():
    """Lever's API mocked at the HTTP seam; helpers register the usual answers."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield LeverMock(mock)


class LeverMock:
    def __init__(self, mock):
        self.mock = mock

    def opportunity(self, variant="hired", *, status=200, opportunity_id=OPPORTUNITY_ID, **kw):
        body = fixture(f"opportunity__{variant}") if status == 200 else fixture(variant)
        self.mock.get(
            f"{settings.LEVER_API_URL}/opportunities/{opportunity_id}",
            json=body,
            status=status,
            **kw,
        )

    def archive_reason(self, variant="hired", reason_id=HIRED_REASON_ID):
        self.mock.get(
            f"{settings.LEVER_API_URL}/archive_reasons/{reason_id}",
            json=fixture(f"archive_reason__{variant}"),
        )

    def hired(self, variant="hired"):
        self.opportunity(variant)
        self.archive_reason()

    def calls_to(self, fragment):
        return [call for call in self.mock.calls if fragment in call.request.url]
