"""API clients for the named cast, authenticated with real DRF tokens."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

API = "/cezannehr/api/v4/"


def token_client(user):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient sending that user's token (None: anonymous)."""
    return token_client
