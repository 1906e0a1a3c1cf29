"""The webhook view, one test per row of SPEC section 6 (and a few ways to get each wrong)."""

import io
import json
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from integrations import webhooks
from integrations.lever.signatures import compute_signature, is_valid_signature
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery
from tests.lever_payloads import OPPORTUNITY_ID, SIGNATURE_TOKEN, now_ms, signed

pytestmark = pytest.mark.django_db


def url(subdomain="AcmeHR"):
    return reverse("lever-webhook", kwargs={"subdomain": subdomain})


def post(client, body, subdomain="AcmeHR"):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url(subdomain), raw, content_type="application/json")


def queued_tasks():
    return DBTaskResult.objects.filter(task_path="integrations.tasks.process_delivery")


# --- Signatures -------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_token_and_triggered_at():
    # Computed independently: printf '%s' 'abc1431454330072' | openssl dgst -sha256 -hmac secret
    assert (
        compute_signature("secret", "abc", 1431454330072)
        == "6eee8aa0602bba3119acdd6e427056b60e0507d4b70bbe174f1b59692d2464af"
    )
    good = compute_signature("secret", "abc", 1431454330072)
    assert is_valid_signature("secret", "abc", 1431454330072, good)
    assert is_valid_signature("secret", "abc", 1431454330072, good.upper())
    assert not is_valid_signature("secret", "abc", 1431454330073, good)
    assert not is_valid_signature("other", "abc", 1431454330072, good)
    assert not is_valid_signature("secret", "abc", 1431454330072, "é" * 64)


def test_an_empty_signature_token_validates_nothing():
    assert not is_valid_signature("", "abc", 1, compute_signature("", "abc", 1))


# --- One test per row of the table ------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_not_post_is_405(client, config, method):
    response = getattr(client, method)(url())
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_body_over_64_kib_is_413(client, config):
    body = signed(padding="x" * (64 * 1024))
    response = post(client, body)
    assert response.status_code == 413
    assert WebhookDelivery.objects.count() == 0


def test_body_over_64_kib_without_content_length_is_413():
    request = mock.Mock(META={}, read=io.BytesIO(b"{" + b" " * (64 * 1024 + 10)).read)
    assert webhooks.read_body(request) is None
    small = mock.Mock(META={"CONTENT_LENGTH": ""}, read=io.BytesIO(b"{}").read)
    assert webhooks.read_body(small) == b"{}"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[]",
        json.dumps({"token": "t", "triggeredAt": 1, "signature": "s"}),
        json.dumps({"event": "candidateHired", "triggeredAt": 1, "signature": "s"}),
        json.dumps({"event": "candidateHired", "token": "t", "signature": "s"}),
        json.dumps({"event": "candidateHired", "token": "t", "triggeredAt": 1}),
        json.dumps({"event": 5, "token": "t", "triggeredAt": 1, "signature": "s"}),
        json.dumps({"event": "candidateHired", "token": 7, "triggeredAt": 1, "signature": "s"}),
        json.dumps({"event": "candidateHired", "token": "t", "triggeredAt": "1", "signature": "s"}),
        json.dumps(
            {"event": "candidateHired", "token": "t", "triggeredAt": True, "signature": "s"}
        ),
        json.dumps({"event": "candidateHired", "token": "t", "triggeredAt": 1.5, "signature": "s"}),
        json.dumps({"event": "candidateHired", "token": "t", "triggeredAt": 1, "signature": None}),
        json.dumps(
            {
                "event": "candidateHired",
                "token": "t",
                "triggeredAt": 1,
                "signature": "s",
                "data": [],
            }
        ),
    ],
)
def test_malformed_body_is_400(client, config, body):
    response = post(client, body)
    assert response.status_code == 400
    assert "event, token, triggeredAt and signature" in response.json()["detail"]
    assert WebhookDelivery.objects.count() == 0


def test_nan_is_not_json_400(client, config):
    body = json.dumps(signed()).replace("{", '{"extra": NaN, ', 1)
    assert post(client, body).status_code == 400


@pytest.mark.parametrize("field", ["event", "token", "signature"])
def test_a_lone_surrogate_in_a_signed_field_is_400(client, config, field):
    # "\ud800" is a valid JSON escape but not a character: Python cannot encode it as UTF-8.
    raw = json.dumps(signed()).replace(f'"{field}": "', f'"{field}": "\\ud800', 1)
    response = post(client, raw)
    assert response.status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_a_number_too_large_for_a_float_is_400(client, config):
    # Valid JSON that Python reads as infinity; SQLite's JSON check would refuse it on insert.
    body = json.dumps(signed()).replace("{", '{"extra": 1e400, ', 1)
    assert post(client, body).status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_values_a_database_cannot_store_are_never_a_server_error(client, config):
    # PostgreSQL's jsonb refuses \u0000 (400: Lever's retries cannot help); SQLite stores it.
    response = post(client, signed(extra="nul\u0000byte"))
    assert response.status_code in (200, 400)


def test_a_signed_token_with_a_nul_is_refused_not_a_server_error(client, config):
    # PostgreSQL cannot even look such a token up; SQLite can store it. Never a 503 either way:
    # Lever would retry a request that can never succeed.
    response = post(client, signed(token="nul\u0000token"))
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("subdomain", ["Acme%00HR", "%00", "Acme HR", "-AcmeHR", "Acmé"])
def test_a_subdomain_that_could_never_be_configured_is_404(client, config, subdomain):
    response = post(client, signed(), subdomain=subdomain)
    assert response.status_code == 404
    assert WebhookDelivery.objects.count() == 0


def test_unknown_and_disabled_subdomains_are_404_with_the_same_body(client, config):
    unknown = post(client, signed(), subdomain="NoSuchCompany")
    config.is_enabled = False
    config.save()
    disabled = post(client, signed())
    config.is_enabled = True
    config.status = IntegrationConfig.Status.DISABLED
    config.save()
    disabled_status = post(client, signed())
    assert unknown.status_code == disabled.status_code == disabled_status.status_code == 404
    assert unknown.content == disabled.content == disabled_status.content
    assert WebhookDelivery.objects.count() == 0


def test_subdomain_matches_case_insensitively(client, config):
    assert post(client, signed(), subdomain="acmehr").status_code == 200
    assert WebhookDelivery.objects.get().config == config


def test_wrong_signature_is_403_and_noted_once_in_the_log(client, config):
    first = post(client, signed(signature_token="not-the-token"))
    second = post(client, signed(signature_token="not-the-token"))
    assert first.status_code == second.status_code == 403
    assert WebhookDelivery.objects.count() == 0
    (entry,) = LogEntry.objects.all()
    assert entry.level == LogEntry.Level.WARNING
    assert "signature token" in entry.message


def test_tampered_token_is_403(client, config):
    body = signed()
    body["token"] = body["token"] + "x"
    assert post(client, body).status_code == 403


def test_config_without_signature_token_refuses_everything_403(client, config):
    config.signature_token = ""
    config.save()
    response = post(client, signed(signature_token=""))
    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0
    assert "no signature token is set" in LogEntry.objects.get().message


@pytest.mark.parametrize(
    "offset_ms",
    [6 * 60 * 1000, -(259200 * 1000 + 60 * 1000)],
    ids=["over 5 minutes in the future", "older than the max age"],
)
def test_triggered_at_out_of_window_is_403(client, config, offset_ms):
    response = post(client, signed(triggeredAt=now_ms() + offset_ms))
    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_max_age_comes_from_settings(client, config, settings):
    settings.LEVER_WEBHOOK_MAX_AGE_SECONDS = 60
    assert post(client, signed(triggeredAt=now_ms() - 120_000)).status_code == 403
    assert post(client, signed(triggeredAt=now_ms() - 30_000)).status_code == 200


def test_duplicate_token_is_200_and_nothing_new_happens(
    client, config, django_capture_on_commit_callbacks
):
    body = signed()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body).status_code == 200
        again = post(client, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert WebhookDelivery.objects.count() == 1
    assert queued_tasks().count() == 1


def test_same_token_for_another_config_is_a_new_delivery(client, config):
    other = IntegrationConfig.objects.create(subdomain="Other", signature_token=SIGNATURE_TOKEN)
    body = signed()
    assert post(client, body).status_code == 200
    assert post(client, body, subdomain="Other").status_code == 200
    assert {d.config for d in WebhookDelivery.objects.all()} == {config, other}


def test_verify_ping_is_200_and_stores_only_the_delivery(
    client, config, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, signed("candidateHired__verify"))
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.IGNORED
    assert queued_tasks().count() == 0
    assert LogEntry.objects.count() == 0


def test_other_event_is_200_and_stored_ignored(client, config, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, signed("candidateStageChange__default"))
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.status) == ("candidateStageChange", "ignored")
    assert queued_tasks().count() == 0


def test_candidate_hired_is_stored_then_enqueued(
    client, config, django_capture_on_commit_callbacks
):
    body = signed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, body)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert len(callbacks) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RECEIVED
    assert delivery.token == body["token"]
    assert delivery.payload == body
    assert delivery.opportunity_id == OPPORTUNITY_ID
    assert delivery.contact_id == body["data"]["contactId"]
    assert int(delivery.triggered_at.timestamp() * 1000) == body["triggeredAt"]
    (task,) = queued_tasks()
    assert task.args_kwargs["args"] == [delivery.pk]


def test_legacy_candidate_id_is_read_as_the_opportunity(client, config):
    assert post(client, signed("candidateHired__legacy_candidate_id")).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.opportunity_id == OPPORTUNITY_ID
    assert delivery.contact_id == ""


def test_database_failure_is_503_so_lever_retries(client, config):
    with mock.patch.object(
        WebhookDelivery.objects, "create", side_effect=DatabaseError("disk full")
    ):
        response = post(client, signed())
    assert response.status_code == 503
    assert WebhookDelivery.objects.count() == 0


def test_csrf_is_not_required(config):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), signed())
    assert response.status_code == 200
