import datetime

import pytest
import responses
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from integrations.models import IntegrationConfig
from tests.lever_payloads import HIRED_REASON_ID, OPPORTUNITY_ID, SIGNATURE_TOKEN, fixture


@pytest.fixture(autouse=True)
def fast_lever(settings, monkeypatch):
    """No real waiting: the client's short in-request backoff and the rate limit are skipped."""
    settings.LEVER_RATE_LIMIT_PER_SECOND = 1000
    monkeypatch.setattr("integrations.lever.client.sleep", lambda seconds: None)


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

    def calls_url(self, collection, record_id=OPPORTUNITY_ID):
        return f"{settings.LEVER_API_URL}/{collection}/{record_id}"

    def calls_to(self, fragment):
        return [call for call in self.mock.calls if fragment in call.request.url]


@pytest.fixture
def hire(client, config, django_capture_on_commit_callbacks):
    """Send a signed candidateHired through the webhook and process it as the worker would.

    Returns the delivery, refreshed. Each call is a new webhook (a new token), as when the
    candidate is moved to another stage in Lever and back to Hired.
    """
    from integrations import hiring
    from integrations.models import WebhookDelivery
    from tests.lever_payloads import signed

    def send(body=None):
        body = body or signed()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/cezannehr/api/v4/Lever/webhook/AcmeHR", body, content_type="application/json"
            )
        assert response.status_code == 200, response.content
        delivery = WebhookDelivery.objects.get(config=config, token=body["token"])
        with django_capture_on_commit_callbacks(execute=True):
            hiring.process_delivery(delivery.pk)
        delivery.refresh_from_db()
        return delivery

    return send
