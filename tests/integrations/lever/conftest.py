"""Configs in each authorisation state, and helpers to answer as Lever's token endpoint does."""

import base64
import json
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from integrations.models import IntegrationConfig

API = "https://api.lever.test/v1"
AUTH = "https://auth.lever.test"
TOKEN_URL = f"{AUTH}/oauth/token"
ACCOUNT_ID = "7f1c3a52-3d7e-4b8e-9a61-0c2f5b1d9e44"


@pytest.fixture(autouse=True)
def lever_settings(settings):
    settings.LEVER_API_URL = API
    settings.LEVER_AUTH_URL = AUTH
    settings.LEVER_AUDIENCE = "https://api.lever.test/v1/"
    settings.LEVER_CLIENT_ID = "client-id-123"
    settings.LEVER_CLIENT_SECRET = "client-secret-456"
    settings.SITE_URL = "https://hr.example.com"
    # Fast by default; the rate-limit tests lower it.
    settings.LEVER_RATE_LIMIT_PER_SECOND = 1000
    return settings


def make_jwt(claims):
    """An unsigned JWT-shaped token carrying `claims` (Lever's access tokens are JWTs)."""

    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def access_token(n=1):
    return make_jwt({"https://oauth.lever.co/accountId": ACCOUNT_ID, "n": n})


def token_answer(n=2, *, expires_in=3600, rotate=True):
    body = {
        "access_token": access_token(n),
        "token_type": "Bearer",
        "scope": "offline_access opportunities:read:admin archive_reasons:read:admin",
        "expires_in": expires_in,
    }
    if rotate:
        body["refresh_token"] = f"refresh-{n}"
    return body


def add_token_answer(rsps, n=2, **kwargs):
    return rsps.post(TOKEN_URL, json=token_answer(n, **kwargs), status=200)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def authorised_config(db, alice):
    return IntegrationConfig.objects.create(
        subdomain="AcmeHR",
        signature_token="webhook-signature-token",
        status=IntegrationConfig.Status.AUTHORISED,
        authorised_at=timezone.now(),
        authorised_by=alice,
        lever_account_id=ACCOUNT_ID,
        access_token=access_token(1),
        refresh_token="refresh-1",
        token_expires_at=timezone.now() + timedelta(hours=1),
    )


@pytest.fixture
def expired_config(authorised_config):
    authorised_config.token_expires_at = timezone.now() - timedelta(minutes=5)
    authorised_config.save()
    return authorised_config
