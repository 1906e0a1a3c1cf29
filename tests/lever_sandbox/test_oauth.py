"""The sandbox's OAuth server: authorise (login + consent) and the token endpoint."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lever_sandbox import oauth
from lever_sandbox.models import AuthorizationCode, Grant, RefreshToken
from lever_sandbox.testing import DEFAULT_SCOPE, consent, issue_tokens, log_in
from tests.lever_sandbox.conftest import CALLBACK, authorize_url

TOKEN_URL = "/lever-sandbox/oauth/token"


def query(location):
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(client, code, **overrides):
    form = {
        "grant_type": "authorization_code",
        "client_id": settings.LEVER_CLIENT_ID,
        "client_secret": settings.LEVER_CLIENT_SECRET,
        "code": code,
        "redirect_uri": CALLBACK,
    }
    form.update(overrides)
    return client.post(TOKEN_URL, form)


def refresh(client, refresh_token, **overrides):
    form = {
        "grant_type": "refresh_token",
        "client_id": settings.LEVER_CLIENT_ID,
        "client_secret": settings.LEVER_CLIENT_SECRET,
        "refresh_token": refresh_token,
    }
    form.update(overrides)
    return client.post(TOKEN_URL, form)


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# --- /authorize ---------------------------------------------------------------------------------


def test_round_trip_login_consent_accept_and_exchange(account):
    browser = Client()
    start = browser.get(authorize_url())
    assert start.status_code == 302
    assert start["Location"].startswith("/lever-sandbox/login?next=")

    login = browser.post(
        "/lever-sandbox/login",
        {"email": "admin@sandbox.lever", "password": "sandbox-password", "next": authorize_url()},
    )
    assert login.status_code == 302 and login["Location"] == authorize_url()

    page = browser.get(authorize_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Read opportunities (candidates), including contact details" in html
    assert "Read archive reasons" in html
    assert "keep access while you are not logged in" in html
    assert "Accept" in html and "Deny" in html

    answer = browser.post(authorize_url(), {"decision": "accept"})
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith(CALLBACK + "?")
    back = query(location)
    assert back["state"] == "state-123"

    tokens = exchange(Client(), back["code"])
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == DEFAULT_SCOPE
    assert body["refresh_token"]
    assert tokens["Cache-Control"] == "no-store"

    header, payload, signature = body["access_token"].split(".")
    assert b64url_json(header)["alg"] == "HS256"
    claims = b64url_json(payload)
    assert claims["https://oauth.lever.co/accountId"] == str(account.pk)
    assert claims["scope"] == DEFAULT_SCOPE
    assert claims["exp"] - claims["iat"] == 3600
    grant = Grant.objects.get()
    assert grant.token_calls == 1 and grant.user.email == "admin@sandbox.lever"


def test_deny_returns_access_denied_with_state(lever_client):
    location = consent(lever_client, authorize_url(), decision="deny")
    back = query(location)
    assert back["error"] == "access_denied"
    assert back["error_description"]
    assert back["state"] == "state-123"
    assert "code" not in back
    assert not Grant.objects.exists() and not AuthorizationCode.objects.exists()


def test_team_member_cannot_accept(account):
    browser = Client()
    log_in(browser, email="recruiter@sandbox.lever")
    page = browser.get(authorize_url())
    assert "Only a Super Admin can authorize apps" in page.content.decode()
    back = query(browser.post(authorize_url(), {"decision": "accept"})["Location"])
    assert back["error"] == "access_denied"
    assert not AuthorizationCode.objects.exists()


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"audience": "https://api.lever.co/v2/"}, "access_denied"),
        ({"scope": "offline_access opportunities:write:admin"}, "invalid_scope"),
        ({"scope": ""}, "invalid_scope"),
    ],
)
def test_bad_request_returns_an_error_to_the_app(lever_client, overrides, error):
    response = lever_client.get(authorize_url(**overrides))
    assert response.status_code == 302
    back = query(response["Location"])
    assert back["error"] == error and back["state"] == "state-123"


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "someone-else"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example/cezannehr/api/v4/Lever/oauth/callback"},
        {"redirect_uri": "http://127.0.0.1:8000/elsewhere"},
    ],
)
def test_unknown_client_or_callback_is_never_redirected_to(lever_client, overrides):
    response = lever_client.get(authorize_url(**overrides))
    assert response.status_code == 400
    assert "Lever sandbox" in response.content.decode()


def test_loopback_callback_on_another_port_is_accepted(lever_client):
    other = "http://localhost:54321/cezannehr/api/v4/Lever/oauth/callback"
    location = consent(lever_client, authorize_url(redirect_uri=other))
    assert location.startswith(other + "?code=")
    assert exchange(Client(), query(location)["code"], redirect_uri=other).status_code == 200


def test_sandbox_login_leaves_the_products_login_alone(alice, account):
    browser = Client()
    browser.force_login(alice)
    log_in(browser)
    assert browser.get("/admin/").status_code == 200
    browser.post("/lever-sandbox/logout")
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/lever-sandbox/candidates/").status_code == 302


def test_login_rejects_wrong_password_and_foreign_next(account):
    browser = Client()
    wrong = browser.post(
        "/lever-sandbox/login", {"email": "admin@sandbox.lever", "password": "nope"}
    )
    assert wrong.status_code == 400
    assert "do not match" in wrong.content.decode()
    ok = browser.post(
        "/lever-sandbox/login",
        {"email": "admin@sandbox.lever", "password": "sandbox-password", "next": "https://x.io/"},
    )
    assert ok["Location"] == "/lever-sandbox/candidates/"


def test_login_page_shows_the_default_login(db):
    html = Client().get("/lever-sandbox/login").content.decode()
    assert "admin@sandbox.lever" in html and "sandbox-password" in html


# --- /oauth/token: authorization_code ------------------------------------------------------------


def test_code_is_single_use_and_reuse_revokes_its_grant(lever_client):
    code = query(consent(lever_client, authorize_url()))["code"]
    first = exchange(Client(), code)
    assert first.status_code == 200
    again = exchange(Client(), code)
    assert again.status_code == 403
    assert again.json()["error"] == "invalid_grant"
    grant = Grant.objects.get()
    assert not grant.is_active and grant.token_calls == 2
    # The tokens issued from the code die with the grant.
    assert refresh(Client(), first.json()["refresh_token"]).status_code == 403


def test_code_is_bound_to_redirect_uri_and_client(lever_client):
    code = query(consent(lever_client, authorize_url()))["code"]
    other_uri = exchange(Client(), code, redirect_uri="http://127.0.0.1:8000/other")
    assert other_uri.status_code == 403 and other_uri.json()["error"] == "invalid_grant"
    assert exchange(Client(), code).status_code == 200


def test_expired_code_is_invalid_grant(lever_client):
    code = query(consent(lever_client, authorize_url()))["code"]
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = exchange(Client(), code)
    assert response.status_code == 403 and response.json()["error"] == "invalid_grant"


def test_unknown_code_is_invalid_grant(account):
    response = exchange(Client(), "made-up")
    assert response.status_code == 403
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }


@pytest.mark.parametrize(
    "overrides",
    [{"client_secret": "wrong"}, {"client_id": "unknown"}, {"client_secret": ""}],
)
def test_bad_client_is_401_invalid_client(lever_client, overrides):
    code = query(consent(lever_client, authorize_url()))["code"]
    response = exchange(Client(), code, **overrides)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert exchange(Client(), code).status_code == 200  # The code was not spent.


def test_client_may_authenticate_with_http_basic(lever_client):
    code = query(consent(lever_client, authorize_url()))["code"]
    basic = base64.b64encode(
        f"{settings.LEVER_CLIENT_ID}:{settings.LEVER_CLIENT_SECRET}".encode()
    ).decode()
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "form, status, error",
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "redirect_uri": CALLBACK}, 400, "invalid_request"),
        ({"grant_type": "refresh_token"}, 400, "invalid_request"),
    ],
)
def test_malformed_token_requests(account, form, status, error):
    form = {
        "client_id": settings.LEVER_CLIENT_ID,
        "client_secret": settings.LEVER_CLIENT_SECRET,
        **form,
    }
    response = Client().post(TOKEN_URL, form)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_token_endpoint_is_post_only_and_csrf_exempt(account):
    assert Client().get(TOKEN_URL).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(TOKEN_URL, {"grant_type": "refresh_token", "refresh_token": "x"})
    assert response.status_code == 401  # Reached the view: no CSRF wall.


def test_json_body_is_accepted_too(lever_client):
    code = query(consent(lever_client, authorize_url()))["code"]
    body = {
        "grant_type": "authorization_code",
        "client_id": settings.LEVER_CLIENT_ID,
        "client_secret": settings.LEVER_CLIENT_SECRET,
        "code": code,
        "redirect_uri": CALLBACK,
    }
    response = Client().post(TOKEN_URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200


def test_no_refresh_token_without_offline_access(account):
    tokens = issue_tokens(scope="opportunities:read:admin archive_reasons:read:admin")
    assert tokens.refresh_token is None
    assert "refresh_token" not in tokens.as_json()


def test_access_token_lifetime_follows_the_account_knob(account):
    account.access_token_lifetime_seconds = 5
    account.save()
    tokens = issue_tokens()
    assert tokens.expires_in == 5
    claims = b64url_json(tokens.access_token.split(".")[1])
    assert claims["exp"] - claims["iat"] == 5


def test_access_token_signature_is_hs256_over_header_and_payload(account):
    token = issue_tokens().access_token
    header, payload, signature = token.split(".")
    expected = hmac.new(
        oauth._signing_key().encode(), f"{header}.{payload}".encode(), hashlib.sha256
    ).digest()
    assert base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature


# --- /oauth/token: refresh_token -----------------------------------------------------------------


def test_refresh_rotates_and_counts(account):
    first = issue_tokens()
    response = refresh(Client(), first.refresh_token)
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first.refresh_token
    assert second["access_token"] != first.access_token
    assert second["expires_in"] == 3600 and second["token_type"] == "Bearer"
    assert second["scope"] == DEFAULT_SCOPE
    third = refresh(Client(), second["refresh_token"])
    assert third.status_code == 200
    grant = Grant.objects.get()
    assert (grant.token_calls, grant.refresh_calls) == (3, 2)
    assert RefreshToken.objects.filter(used_at=None).count() == 1


def test_reusing_a_rotated_refresh_token_revokes_the_whole_grant(account):
    first = issue_tokens()
    second = refresh(Client(), first.refresh_token).json()
    reuse = refresh(Client(), first.refresh_token)
    assert reuse.status_code == 403
    assert reuse.json()["error"] == "invalid_grant"
    grant = Grant.objects.get()
    assert not grant.is_active and grant.revoked_reason == "refresh token reused"
    # Even the newest refresh token is dead now, and the access tokens with it.
    latest = refresh(Client(), second["refresh_token"])
    assert latest.status_code == 403 and latest.json()["error"] == "invalid_grant"
    api = Client().get(
        "/lever-sandbox/v1/archive_reasons",
        HTTP_AUTHORIZATION=f"Bearer {second['access_token']}",
    )
    assert api.status_code == 401


def test_refresh_with_another_clients_credentials_fails(account):
    from lever_sandbox.accounts import hash_secret
    from lever_sandbox.models import OAuthApp

    OAuthApp.objects.create(
        client_id="other-app", client_secret_hash=hash_secret("other-secret"), redirect_uris=""
    )
    tokens = issue_tokens()
    response = refresh(
        Client(), tokens.refresh_token, client_id="other-app", client_secret="other-secret"
    )
    assert response.status_code == 403 and response.json()["error"] == "invalid_grant"


def test_refresh_token_unused_for_90_days_expires(account):
    tokens = issue_tokens()
    RefreshToken.objects.update(created_at=timezone.now() - timedelta(days=91))
    response = refresh(Client(), tokens.refresh_token)
    assert response.status_code == 403 and response.json()["error"] == "invalid_grant"


def test_revoke_access_makes_refresh_invalid_grant_and_tokens_401(account):
    tokens = issue_tokens()
    grant = Grant.objects.get()
    assert oauth.revoke_app(account, grant.app) == 1
    response = refresh(Client(), tokens.refresh_token)
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "invalid_grant" and body["error_description"]
    api = Client().get(
        "/lever-sandbox/v1/archive_reasons", HTTP_AUTHORIZATION=f"Bearer {tokens.access_token}"
    )
    assert api.status_code == 401
    assert api.json()["code"] == "UnauthorizedError"
    assert Grant.objects.get().refresh_calls == 1


def test_reauthorising_after_revocation_works(account, lever_client):
    issue_tokens()
    oauth.revoke_app(account, Grant.objects.get().app)
    code = query(consent(lever_client, authorize_url()))["code"]
    fresh = exchange(Client(), code).json()
    assert refresh(Client(), fresh["refresh_token"]).status_code == 200


def test_expired_access_token_is_rejected(account):
    issue_tokens()
    expired = oauth.encode_access_token(Grant.objects.get(), lifetime_seconds=-5)
    api = Client().get("/lever-sandbox/v1/archive_reasons", HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert api.status_code == 401
    assert "expired" in api.json()["message"]


def test_a_changed_site_url_is_registered_as_a_callback(account, settings):
    from lever_sandbox.accounts import get_oauth_app, is_registered_redirect_uri

    get_oauth_app(settings.LEVER_CLIENT_ID)
    settings.SITE_URL = "https://hr.example.com"
    app = get_oauth_app(settings.LEVER_CLIENT_ID)
    assert is_registered_redirect_uri(
        app, "https://hr.example.com/cezannehr/api/v4/Lever/oauth/callback"
    )
    assert not is_registered_redirect_uri(
        app, "https://evil.example.com/cezannehr/api/v4/Lever/oauth/callback"
    )


def test_consent_helper_logs_in_when_asked_and_returns_errors(account):
    browser = Client()
    location = consent(browser, "http://testserver" + authorize_url())
    assert query(location)["code"]
    refused = consent(browser, authorize_url(scope="nonsense"))
    assert query(refused)["error"] == "invalid_scope"
