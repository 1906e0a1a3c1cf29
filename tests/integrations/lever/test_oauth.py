"""OAuth with Lever: the authorise redirect, the callback, and the protocol helpers."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from integrations.lever import oauth
from integrations.models import IntegrationConfig, LogEntry
from integrations.oauth_views import SESSION_KEY
from tests.conftest import PASSWORD
from tests.integrations.lever.conftest import (
    ACCOUNT_ID,
    AUTH,
    TOKEN_URL,
    access_token,
    make_jwt,
    token_answer,
)

CALLBACK = "/cezannehr/api/v4/Lever/oauth/callback"
REDIRECT_URI = "https://hr.example.com" + CALLBACK


@pytest.fixture
def new_config(db):
    return IntegrationConfig.objects.create(subdomain="CezanneHR", signature_token="sig")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def start(client, config):
    """GET the authorize endpoint; return the state Lever would send back."""
    response = client.get(f"/cezannehr/api/v4/Lever/oauth/authorize/{config.subdomain}")
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["state"][0]


def change_url(config):
    return reverse("admin:integrations_integrationconfig_change", args=[config.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- the protocol --------------------------------------------------------------------------


def test_redirect_uri_is_the_site_url_plus_the_callback_path():
    assert oauth.redirect_uri() == REDIRECT_URI


def test_authorize_url_carries_every_parameter_lever_needs():
    url = oauth.authorize_url("the-state")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{AUTH}/authorize"
    assert parse_qs(parts.query) == {
        "client_id": ["client-id-123"],
        "redirect_uri": [REDIRECT_URI],
        "response_type": ["code"],
        "state": ["the-state"],
        "audience": ["https://api.lever.test/v1/"],
        "scope": ["offline_access opportunities:read:admin archive_reasons:read:admin"],
        "prompt": ["consent"],
    }
    assert "scope=offline_access%20opportunities" in url


def test_states_are_long_and_random():
    states = {oauth.new_state() for _ in range(50)}
    assert len(states) == 50
    assert all(len(state) >= 43 for state in states)  # 32 bytes = 256 bits, base64url


def test_account_id_is_read_from_the_access_token():
    assert oauth.account_id_from_access_token(access_token(1)) == ACCOUNT_ID


@pytest.mark.parametrize(
    "token", ["", "opaque-token", "a.b.c", "a.!!!.c", make_jwt({"other": 1}), make_jwt([1])]
)
def test_a_token_without_the_claim_gives_no_account_id(token):
    assert oauth.account_id_from_access_token(token) == ""


def test_exchange_code_posts_the_form_lever_expects(rsps):
    rsps.post(TOKEN_URL, json=token_answer(n=1))

    tokens = oauth.exchange_code("the-code")

    assert parse_qs(rsps.calls[0].request.body) == {
        "grant_type": ["authorization_code"],
        "client_id": ["client-id-123"],
        "client_secret": ["client-secret-456"],
        "code": ["the-code"],
        "redirect_uri": [REDIRECT_URI],
    }
    assert tokens.access_token == access_token(1)
    assert tokens.refresh_token == "refresh-1"
    assert tokens.account_id == ACCOUNT_ID
    assert timedelta(minutes=59) < tokens.expires_at - timezone.now() <= timedelta(hours=1)
    assert "refresh-1" not in repr(tokens) and access_token(1) not in repr(tokens)


# --- the authorize endpoint ---------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "dave"])
def test_managers_are_sent_to_lever(client, new_config, request, user):
    login(client, request.getfixturevalue(user))

    response = client.get(f"/cezannehr/api/v4/Lever/oauth/authorize/{new_config.subdomain}")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{AUTH}/authorize"
    state = parse_qs(location.query)["state"][0]
    pending = client.session[SESSION_KEY][state]
    assert pending["config_id"] == new_config.pk
    assert 590 < pending["expires_at"] - time.time() <= 600


def test_the_subdomain_matches_whatever_its_case(client, new_config, dave):
    login(client, dave)
    response = client.get("/cezannehr/api/v4/Lever/oauth/authorize/cezannehr")
    assert response.status_code == 302


def test_an_unknown_subdomain_is_404(client, dave, db):
    login(client, dave)
    response = client.get("/cezannehr/api/v4/Lever/oauth/authorize/Nobody")
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, new_config):
    response = client.get(f"/cezannehr/api/v4/Lever/oauth/authorize/{new_config.subdomain}")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_other_users_may_not_authorise(client, new_config, request, user):
    login(client, request.getfixturevalue(user))
    response = client.get(f"/cezannehr/api/v4/Lever/oauth/authorize/{new_config.subdomain}")
    assert response.status_code == 403


def test_authorize_answers_get_only(client, new_config, dave):
    login(client, dave)
    response = client.post(f"/cezannehr/api/v4/Lever/oauth/authorize/{new_config.subdomain}")
    assert response.status_code == 405


# --- the callback --------------------------------------------------------------------------


def test_a_successful_callback_stores_the_tokens_and_marks_authorised(
    client, new_config, dave, rsps
):
    login(client, dave)
    state = start(client, new_config)
    rsps.post(TOKEN_URL, json=token_answer(n=1))

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert response.redirect_chain[0] == (change_url(new_config), 302)
    assert any("Lever is connected for CezanneHR" in m for m in messages_of(response))
    assert parse_qs(rsps.calls[0].request.body)["code"] == ["the-code"]
    config = IntegrationConfig.objects.get(pk=new_config.pk)
    assert config.status == IntegrationConfig.Status.AUTHORISED
    assert config.access_token == access_token(1)
    assert config.refresh_token == "refresh-1"
    assert timedelta(minutes=59) < config.token_expires_at - timezone.now() <= timedelta(hours=1)
    assert config.lever_account_id == ACCOUNT_ID
    assert config.authorised_by == dave
    assert timezone.now() - config.authorised_at < timedelta(minutes=1)
    entry = LogEntry.objects.get()
    assert entry.level == LogEntry.Level.INFO
    assert "dave authorised the connection to Lever for CezanneHR" in entry.message
    assert state not in client.session[SESSION_KEY]


def test_a_state_is_single_use(client, new_config, dave, rsps):
    login(client, dave)
    state = start(client, new_config)
    rsps.post(TOKEN_URL, json=token_answer(n=1))
    client.get(CALLBACK, {"code": "the-code", "state": state})
    IntegrationConfig.objects.filter(pk=new_config.pk).update(status="not_authorised")

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert response.redirect_chain[0][0] == reverse(
        "admin:integrations_integrationconfig_changelist"
    )
    assert any("already used" in m for m in messages_of(response))
    assert len(rsps.calls) == 1
    assert IntegrationConfig.objects.get(pk=new_config.pk).status == "not_authorised"


def test_an_expired_state_is_refused(client, new_config, dave, rsps):
    login(client, dave)
    state = start(client, new_config)
    session = client.session
    session[SESSION_KEY][state]["expires_at"] = time.time() - 1
    session.save()

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert any("10 minutes" in m for m in messages_of(response))
    assert len(rsps.calls) == 0
    assert IntegrationConfig.objects.get(pk=new_config.pk).status == "not_authorised"


@pytest.mark.parametrize("state", ["", "forged-state-value"])
def test_a_missing_or_unknown_state_is_refused(client, new_config, dave, rsps, state):
    login(client, dave)
    start(client, new_config)

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert any("nothing was changed" in m for m in messages_of(response))
    assert len(rsps.calls) == 0


def test_a_state_from_another_browser_session_is_refused(client, new_config, dave, alice, rsps):
    from django.test import Client

    login(client, dave)
    state = start(client, new_config)
    other = login(Client(), alice)

    response = other.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert any("nothing was changed" in m for m in messages_of(response))
    assert len(rsps.calls) == 0
    assert IntegrationConfig.objects.get(pk=new_config.pk).status == "not_authorised"


def test_deny_in_lever_changes_nothing(client, new_config, dave, rsps):
    login(client, dave)
    state = start(client, new_config)

    response = client.get(
        CALLBACK,
        {"error": "access_denied", "error_description": "User denied", "state": state},
        follow=True,
    )

    assert response.redirect_chain[0] == (change_url(new_config), 302)
    assert any("declined in Lever" in m for m in messages_of(response))
    assert len(rsps.calls) == 0
    config = IntegrationConfig.objects.get(pk=new_config.pk)
    assert (config.status, config.access_token) == ("not_authorised", "")
    assert LogEntry.objects.get().level == LogEntry.Level.WARNING


def test_a_callback_without_code_changes_nothing(client, new_config, dave, rsps):
    login(client, dave)
    state = start(client, new_config)

    response = client.get(CALLBACK, {"state": state}, follow=True)

    assert any("did not authorise" in m for m in messages_of(response))
    assert IntegrationConfig.objects.get(pk=new_config.pk).status == "not_authorised"


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 403, "json": {"error": "invalid_grant", "error_description": "Bad code"}},
        {"status": 500, "json": {"error": "server_error"}},
        {"body": requests.ConnectionError("unreachable")},
    ],
)
def test_a_failed_code_exchange_changes_nothing(client, new_config, dave, rsps, answer):
    login(client, dave)
    state = start(client, new_config)
    rsps.post(TOKEN_URL, **answer)

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert response.redirect_chain[0] == (change_url(new_config), 302)
    assert any("Lever did not complete the authorisation" in m for m in messages_of(response))
    config = IntegrationConfig.objects.get(pk=new_config.pk)
    assert (config.status, config.access_token, config.refresh_token) == ("not_authorised", "", "")
    entry = LogEntry.objects.get()
    assert entry.level == LogEntry.Level.ERROR
    assert "Nothing was changed" in entry.message


def test_re_authorising_with_another_lever_account_warns(client, authorised_config, dave, rsps):
    login(client, dave)
    state = start(client, authorised_config)
    other = make_jwt({"https://oauth.lever.co/accountId": "other-account"})
    rsps.post(TOKEN_URL, json={**token_answer(n=5), "access_token": other})

    client.get(CALLBACK, {"code": "the-code", "state": state})

    config = IntegrationConfig.objects.get(pk=authorised_config.pk)
    assert config.lever_account_id == "other-account"
    assert config.refresh_token == "refresh-5"
    warning = LogEntry.objects.get(level=LogEntry.Level.WARNING)
    assert "other-account instead of " + ACCOUNT_ID in warning.message


def test_a_config_deleted_meanwhile_is_reported(client, new_config, dave, rsps):
    login(client, dave)
    state = start(client, new_config)
    new_config.delete()

    response = client.get(CALLBACK, {"code": "the-code", "state": state}, follow=True)

    assert any("nothing was changed" in m for m in messages_of(response))
    assert len(rsps.calls) == 0


def test_anonymous_callback_is_sent_to_log_in(client, db):
    response = client.get(CALLBACK, {"code": "x", "state": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_other_users_cannot_complete_a_callback(client, request, user, db):
    login(client, request.getfixturevalue(user))
    response = client.get(CALLBACK, {"code": "x", "state": "y"})
    assert response.status_code == 403
