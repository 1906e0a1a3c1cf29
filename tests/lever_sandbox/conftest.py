from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from lever_sandbox import accounts
from lever_sandbox.testing import DEFAULT_SCOPE, log_in

CALLBACK = "http://127.0.0.1:8000/cezannehr/api/v4/Lever/oauth/callback"


@pytest.fixture
def account(db):
    return accounts.get_default_account()


@pytest.fixture
def lever_client(account):
    """A browser logged in to the sandbox as the default Super Admin."""
    client = Client()
    log_in(client)
    return client


def authorize_url(**overrides):
    params = {
        "client_id": settings.LEVER_CLIENT_ID,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "state-123",
        "audience": settings.LEVER_AUDIENCE,
        "scope": DEFAULT_SCOPE,
        "prompt": "consent",
    }
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    return f"/lever-sandbox/authorize?{urlencode(params)}"
