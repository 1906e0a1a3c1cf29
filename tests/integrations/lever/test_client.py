"""LeverClient: the one seam to Lever's data API, mocked at HTTP with `responses`."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import requests
from django.db import connection
from django.utils import timezone

from integrations.lever import client as client_module
from integrations.lever.client import LeverAccessRevoked, LeverClient, LeverError
from integrations.lever.http import USER_AGENT
from integrations.models import IntegrationConfig, LeverRateLimit, LogEntry
from tests.integrations.lever.conftest import API, TOKEN_URL, access_token, add_token_answer

OPP_ID = "250d8f03-738a-4bba-a671-8a3d73477145"
OPP_URL = f"{API}/opportunities/{OPP_ID}"
REASON_ID = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"
REASON_URL = f"{API}/archive_reasons/{REASON_ID}"
OPPORTUNITY = {"id": OPP_ID, "name": "Ada Lovelace", "emails": ["ada@example.com"]}


@pytest.fixture
def slept(monkeypatch):
    """Record in-request retry waits instead of sleeping."""
    waits = []
    monkeypatch.setattr(client_module, "sleep", waits.append)
    return waits


def form(call):
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


# --- success ---------------------------------------------------------------------------------


def test_get_opportunity_returns_the_data_object(authorised_config, rsps, slept):
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY

    request = rsps.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {access_token(1)}"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.req_kwargs["timeout"] == (5, 30)
    assert slept == []


def test_the_read_timeout_comes_from_settings(authorised_config, rsps, slept, settings):
    settings.LEVER_READ_TIMEOUT_SECONDS = 2.5
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert rsps.calls[0].request.req_kwargs["timeout"] == (5, 2.5)


def test_get_archive_reason_returns_the_data_object(authorised_config, rsps):
    reason = {"id": REASON_ID, "text": "Hired", "type": "hired", "status": "active"}
    rsps.get(REASON_URL, json={"data": reason})

    assert LeverClient(authorised_config).get_archive_reason(REASON_ID) == reason


@pytest.mark.parametrize("bad_id", ["", "..", "a/b", "x" * 65, "id?expand=owner", None])
def test_an_id_that_is_not_a_lever_id_never_reaches_a_url(authorised_config, rsps, bad_id):
    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(bad_id)

    assert caught.value.code == "invalid_id"
    assert not caught.value.retryable
    assert len(rsps.calls) == 0


# --- errors Lever answers with ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "BadRequestError"), (403, "Forbidden"), (404, "ResourceNotFound")],
)
def test_client_errors_are_not_retried(authorised_config, rsps, slept, status, code):
    rsps.get(OPP_URL, json={"code": code, "message": "Explained by Lever"}, status=status)

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    error = caught.value
    assert (error.status, error.code, error.retryable) == (status, code, False)
    assert f"opportunity {OPP_ID}" in error.message
    assert "Explained by Lever" in error.message
    assert not isinstance(error, LeverAccessRevoked)
    assert len(rsps.calls) == 1
    assert slept == []


def test_an_error_page_without_lever_envelope_still_gives_a_clear_error(
    authorised_config, rsps, slept
):
    rsps.get(OPP_URL, body="<html>Bad gateway</html>", status=502, content_type="text/html")

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert caught.value.code == "http_502"
    assert caught.value.retryable
    assert "HTTP 502" in caught.value.message


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_then_succeed(authorised_config, rsps, slept, status):
    rsps.get(OPP_URL, json={"code": "Oops", "message": "try later"}, status=status)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY
    assert len(rsps.calls) == 2
    assert len(slept) == 1
    assert 0 < slept[0] <= 4.5  # exponential backoff with jitter, first step


def test_retries_are_bounded_and_back_off(authorised_config, rsps, slept):
    rsps.get(OPP_URL, json={"code": "ServiceUnavailable", "message": "maintenance"}, status=503)

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.status, caught.value.retryable) == (503, True)
    assert caught.value.retry_after_seconds is None
    assert len(rsps.calls) == client_module.MAX_ATTEMPTS == 3
    assert len(slept) == 2
    assert sum(slept) <= client_module.MAX_RETRY_SECONDS


def test_a_short_retry_after_is_honoured(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=429, headers={"Retry-After": "2"}, json={"code": "TooMany"})
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY
    assert slept == [2.0]


def test_a_long_retry_after_is_left_to_the_caller(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=429, headers={"Retry-After": "120"}, json={"code": "TooMany"})

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert caught.value.retryable
    assert caught.value.retry_after_seconds == 120.0
    assert len(rsps.calls) == 1
    assert slept == []


def test_retry_after_as_an_http_date(authorised_config, rsps, slept):
    when = timezone.now() + timedelta(minutes=10)
    http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    rsps.get(OPP_URL, status=503, headers={"Retry-After": http_date}, json={"code": "Down"})

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert 590 <= caught.value.retry_after_seconds <= 600


def test_an_unreadable_retry_after_falls_back_to_backoff(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=503, headers={"Retry-After": "soon"}, json={"code": "Down"})
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY
    assert len(slept) == 1 and slept[0] <= 4.5


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (requests.ReadTimeout("read timed out"), "timeout"),
        (requests.ConnectTimeout("connect timed out"), "timeout"),
        (requests.ConnectionError("connection refused"), "connection_error"),
    ],
)
def test_no_answer_is_retried_then_reported_as_retryable(
    authorised_config, rsps, slept, exception, code
):
    rsps.get(OPP_URL, body=exception)

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.status, caught.value.code, caught.value.retryable) == (None, code, True)
    assert len(rsps.calls) == 3


def test_a_timeout_then_an_answer_succeeds(authorised_config, rsps, slept):
    rsps.get(OPP_URL, body=requests.ReadTimeout("read timed out"))
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY


def test_other_request_failures_are_not_retried(authorised_config, rsps, slept):
    rsps.get(OPP_URL, body=requests.TooManyRedirects("loop"))

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.code, caught.value.retryable) == ("request_error", False)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("body", ["not json", '{"nodata": 1}', '{"data": [1, 2]}', "[]"])
def test_an_unreadable_success_answer_is_a_retryable_error(authorised_config, rsps, slept, body):
    rsps.get(OPP_URL, body=body, status=200, content_type="application/json")

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.code, caught.value.retryable) == ("invalid_response", True)


# --- access tokens ---------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_first_and_the_rotated_tokens_stored(expired_config, rsps):
    add_token_answer(rsps, n=2)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(expired_config).get_opportunity(OPP_ID)

    token_call, api_call = rsps.calls
    assert token_call.request.url == TOKEN_URL
    assert token_call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(token_call) == {
        "grant_type": "refresh_token",
        "client_id": "client-id-123",
        "client_secret": "client-secret-456",
        "refresh_token": "refresh-1",
    }
    assert api_call.request.headers["Authorization"] == f"Bearer {access_token(2)}"
    stored = IntegrationConfig.objects.get(pk=expired_config.pk)
    assert stored.access_token == access_token(2)
    assert stored.refresh_token == "refresh-2"
    assert timedelta(minutes=59) < stored.token_expires_at - timezone.now() <= timedelta(hours=1)
    assert expired_config.refresh_token == "refresh-2"  # the caller's instance is kept current


def test_tokens_are_stored_encrypted(expired_config, rsps):
    add_token_answer(rsps, n=2)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(expired_config).get_opportunity(OPP_ID)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_integrationconfig WHERE id = %s",
            [expired_config.pk],
        )
        raw_access, raw_refresh = cursor.fetchone()
    assert raw_access and access_token(2) not in raw_access
    assert raw_refresh and "refresh-2" not in raw_refresh


def test_a_token_expiring_within_a_minute_is_refreshed(authorised_config, rsps):
    authorised_config.token_expires_at = timezone.now() + timedelta(seconds=30)
    authorised_config.save()
    add_token_answer(rsps, n=2)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert rsps.calls[0].request.url == TOKEN_URL


def test_a_fresh_token_is_not_refreshed(authorised_config, rsps):
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert [call.request.url for call in rsps.calls] == [OPP_URL]


def test_a_refresh_without_a_new_refresh_token_keeps_the_old_one(expired_config, rsps):
    add_token_answer(rsps, n=2, rotate=False)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(expired_config).get_opportunity(OPP_ID)

    assert IntegrationConfig.objects.get(pk=expired_config.pk).refresh_token == "refresh-1"


def test_a_401_refreshes_once_and_retries(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=401, json={"code": "UnauthorizedError", "message": "Invalid token"})
    add_token_answer(rsps, n=2)
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    assert LeverClient(authorised_config).get_opportunity(OPP_ID) == OPPORTUNITY
    assert [call.request.url for call in rsps.calls] == [OPP_URL, TOKEN_URL, OPP_URL]
    assert rsps.calls[2].request.headers["Authorization"] == f"Bearer {access_token(2)}"


def test_a_401_that_persists_after_refresh_means_access_revoked(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=401, json={"code": "UnauthorizedError", "message": "Invalid token"})
    add_token_answer(rsps, n=2)

    with pytest.raises(LeverAccessRevoked) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.status, caught.value.retryable) == (401, False)
    assert "re-authorise" in caught.value.message
    # Exactly one refresh; the config keeps its (working) grant for the caller to judge.
    assert [call.request.url for call in rsps.calls] == [OPP_URL, TOKEN_URL, OPP_URL]
    assert IntegrationConfig.objects.get(pk=authorised_config.pk).status == "authorised"


@pytest.mark.parametrize("status", [403, 400])
def test_invalid_grant_marks_the_config_revoked(expired_config, rsps, status):
    rsps.post(
        TOKEN_URL,
        status=status,
        json={"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
    )

    with pytest.raises(LeverAccessRevoked) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert (caught.value.code, caught.value.retryable) == ("invalid_grant", False)
    stored = IntegrationConfig.objects.get(pk=expired_config.pk)
    assert stored.status == IntegrationConfig.Status.REVOKED
    assert (stored.access_token, stored.refresh_token, stored.token_expires_at) == ("", "", None)
    entry = LogEntry.objects.get()
    assert entry.level == LogEntry.Level.ERROR
    assert entry.config == stored
    assert "Re-authorise" in entry.message and "Details screen" in entry.message
    assert "refresh-1" not in entry.message
    assert [call.request.url for call in rsps.calls] == [TOKEN_URL]


def test_a_revoked_config_fails_fast_without_calling_lever(expired_config, rsps):
    rsps.post(TOKEN_URL, status=403, json={"error": "invalid_grant"})
    with pytest.raises(LeverAccessRevoked):
        LeverClient(expired_config).get_opportunity(OPP_ID)

    with pytest.raises(LeverAccessRevoked) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert caught.value.code == "not_authorised"
    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    "status", [IntegrationConfig.Status.NOT_AUTHORISED, IntegrationConfig.Status.DISABLED]
)
def test_a_config_without_authorisation_raises_access_revoked(authorised_config, rsps, status):
    authorised_config.status = status
    authorised_config.save()

    with pytest.raises(LeverAccessRevoked) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert caught.value.code == "not_authorised"
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_token_endpoint_outage_is_retryable_and_changes_nothing(expired_config, rsps, status):
    rsps.post(TOKEN_URL, status=status, json={"error": "server_error"})

    with pytest.raises(LeverError) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert caught.value.retryable
    assert not isinstance(caught.value, LeverAccessRevoked)
    stored = IntegrationConfig.objects.get(pk=expired_config.pk)
    assert (stored.status, stored.refresh_token) == ("authorised", "refresh-1")
    assert not LogEntry.objects.exists()


def test_an_unreachable_token_endpoint_is_retryable(expired_config, rsps):
    rsps.post(TOKEN_URL, body=requests.ConnectionError("refused"))

    with pytest.raises(LeverError) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert (caught.value.code, caught.value.retryable) == ("connection_error", True)


def test_wrong_client_credentials_are_not_retryable_and_do_not_revoke(expired_config, rsps):
    rsps.post(TOKEN_URL, status=401, json={"error": "access_denied", "error_description": "no"})

    with pytest.raises(LeverError) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert (caught.value.status, caught.value.retryable) == (401, False)
    assert not isinstance(caught.value, LeverAccessRevoked)
    assert IntegrationConfig.objects.get(pk=expired_config.pk).status == "authorised"


def test_a_token_answer_without_access_token_is_an_error(expired_config, rsps):
    rsps.post(TOKEN_URL, json={"token_type": "Bearer"})

    with pytest.raises(LeverError) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert caught.value.code == "invalid_token_response"
    assert IntegrationConfig.objects.get(pk=expired_config.pk).refresh_token == "refresh-1"


def test_errors_never_carry_secrets(expired_config, rsps):
    rsps.post(TOKEN_URL, status=400, json={"error": "invalid_request", "error_description": "x"})

    with pytest.raises(LeverError) as caught:
        LeverClient(expired_config).get_opportunity(OPP_ID)

    text = str(caught.value) + repr(caught.value)
    assert "refresh-1" not in text and "client-secret-456" not in text


# --- rate limit ------------------------------------------------------------------------------


def test_every_attempt_takes_a_rate_limit_slot(authorised_config, rsps, slept, settings):
    settings.LEVER_RATE_LIMIT_PER_SECOND = 10
    rsps.get(OPP_URL, status=503, json={"code": "Down"})
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})
    started = timezone.now()

    LeverClient(authorised_config).get_opportunity(OPP_ID)

    row = LeverRateLimit.objects.get(config=authorised_config)
    # Two attempts reserved two slots 0.1 s apart: the next free one is >= 0.2 s after start.
    assert row.next_slot_at - started >= timedelta(seconds=0.2)


def test_a_rate_of_zero_switches_the_limit_off(authorised_config, rsps, settings):
    settings.LEVER_RATE_LIMIT_PER_SECOND = 0
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert not LeverRateLimit.objects.exists()


def test_a_config_revoked_elsewhere_is_seen_when_refreshing(expired_config, rsps):
    IntegrationConfig.objects.filter(pk=expired_config.pk).update(status="revoked")

    with pytest.raises(LeverAccessRevoked):
        LeverClient(expired_config).get_opportunity(OPP_ID)

    assert expired_config.status == "revoked"  # the caller's instance now knows too
    assert len(rsps.calls) == 0


def test_in_request_retries_are_logged_without_secrets(authorised_config, rsps, slept, caplog):
    rsps.get(OPP_URL, status=503, json={"code": "Down", "message": "maintenance"})
    rsps.get(OPP_URL, json={"data": OPPORTUNITY})

    with caplog.at_level("WARNING", logger="integrations.lever.client"):
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert "503" in caplog.text
    assert access_token(1) not in caplog.text


def test_another_error_after_the_refresh_is_raised_as_it_is(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=401, json={"code": "UnauthorizedError"})
    add_token_answer(rsps, n=2)
    rsps.get(OPP_URL, status=404, json={"code": "ResourceNotFound", "message": "gone"})

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert (caught.value.status, caught.value.code) == (404, "ResourceNotFound")
    assert not isinstance(caught.value, LeverAccessRevoked)


def test_an_error_body_that_is_not_an_object_is_tolerated(authorised_config, rsps, slept):
    rsps.get(OPP_URL, status=404, json=["not", "an", "envelope"])

    with pytest.raises(LeverError) as caught:
        LeverClient(authorised_config).get_opportunity(OPP_ID)

    assert caught.value.code == "http_404"
