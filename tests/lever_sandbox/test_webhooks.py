"""Mark Hired sends a correctly signed candidateHired; Verify, Rerun, and the delivery history."""

import hashlib
import hmac
import json
import time

import pytest
import requests
import responses
from django.db import connection
from django.test import Client

from lever_sandbox import webhooks
from lever_sandbox.accounts import create_account
from lever_sandbox.candidates import create_candidate, mark_hired
from lever_sandbox.models import WebhookRequest
from lever_sandbox.testing import log_in

URL = "http://127.0.0.1:8000/cezannehr/api/v4/Lever/webhook/CezanneHR"


def independent_signature(key, token, triggered_at):
    return hmac.new(
        key.encode("utf-8"), (token + str(triggered_at)).encode("utf-8"), hashlib.sha256
    ).hexdigest()


@pytest.fixture
def candidate(account):
    return create_candidate(account, "Anna van der Berg", emails=["anna@example.com"])


def test_default_webhook_points_at_the_product_with_cezannehr(account):
    assert account.webhook.url == URL
    assert account.webhook.is_enabled
    assert len(account.webhook.signature_token) >= 24


@responses.activate
def test_mark_hired_posts_a_correctly_signed_candidate_hired(candidate, account):
    responses.post(URL, json={"status": "ok"}, status=200)
    before = int(time.time() * 1000)
    sent = mark_hired(candidate)

    assert len(responses.calls) == 1
    request = responses.calls[0].request
    assert request.headers["User-Agent"] == "Lever-Webhooks"
    assert request.headers["Content-Type"] == "application/json"
    assert "Lever-Signature" not in request.headers
    body = json.loads(request.body)
    assert set(body) == {"event", "triggeredAt", "token", "signature", "data"}
    assert body["event"] == "candidateHired"
    assert isinstance(body["triggeredAt"], int)
    assert before <= body["triggeredAt"] <= int(time.time() * 1000)
    assert len(body["token"]) == 48
    assert body["signature"] == independent_signature(
        account.webhook.signature_token, body["token"], body["triggeredAt"]
    )
    assert body["data"] == {
        "opportunityId": str(candidate.pk),
        "candidateId": str(candidate.pk),
        "contactId": str(candidate.contact),
    }
    candidate.refresh_from_db()
    assert candidate.is_hired and candidate.archived_at is not None
    assert sent.status_code == 200 and sent.succeeded
    assert sent.response_body == '{"status": "ok"}'
    assert sent.body == request.body.decode()


@responses.activate
def test_each_hire_has_a_new_token(candidate, account):
    from lever_sandbox.candidates import move_to_stage

    responses.post(URL, status=200)
    mark_hired(candidate)
    move_to_stage(candidate, account.stages.get(text="Offer"))
    mark_hired(candidate)
    tokens = {json.loads(call.request.body)["token"] for call in responses.calls}
    assert len(tokens) == 2


@responses.activate
def test_failures_are_recorded(candidate, account):
    responses.post(URL, body="boom", status=500)
    sent = mark_hired(candidate)
    assert sent.status_code == 500 and not sent.succeeded and sent.response_body == "boom"


@responses.activate
def test_redirects_are_failures_and_not_followed(candidate):
    responses.post(URL, status=302, headers={"Location": "http://127.0.0.1:8000/elsewhere"})
    sent = mark_hired(candidate)
    assert sent.status_code == 302 and not sent.succeeded
    assert len(responses.calls) == 1


@responses.activate
def test_connection_errors_are_recorded(candidate):
    responses.post(URL, body=requests.ConnectionError("refused"))
    sent = mark_hired(candidate)
    assert sent.status_code is None
    assert "ConnectionError" in sent.error


@responses.activate
def test_disabled_webhook_sends_nothing_but_the_candidate_is_hired(candidate, account):
    account.webhook.is_enabled = False
    account.webhook.save()
    assert mark_hired(candidate) is None
    assert len(responses.calls) == 0
    candidate.refresh_from_db()
    assert candidate.is_hired


@responses.activate
def test_rerun_sends_the_same_bytes_to_the_current_url(candidate, account):
    responses.post(URL, status=500)
    first = mark_hired(candidate)
    new_url = "http://127.0.0.1:8000/cezannehr/api/v4/Lever/webhook/Other"
    responses.post(new_url, status=200)
    account.webhook.url = new_url
    account.webhook.save()
    again = webhooks.rerun(first)
    assert responses.calls[1].request.url == new_url
    assert responses.calls[1].request.body == responses.calls[0].request.body
    assert again.rerun_of == first and again.succeeded and again.candidate == candidate


@responses.activate
def test_verify_sends_empty_data_signed(account):
    responses.post(URL, status=200)
    sent = webhooks.verify(account)
    body = json.loads(responses.calls[0].request.body)
    assert body["event"] == "candidateHired" and body["data"] == {}
    assert body["signature"] == independent_signature(
        account.webhook.signature_token, body["token"], body["triggeredAt"]
    )
    assert sent.is_verify and sent.candidate is None


@responses.activate
def test_signature_follows_a_regenerated_token(candidate, account):
    responses.post(URL, status=200)
    client = Client()
    log_in(client)
    old = account.webhook.signature_token
    client.post("/lever-sandbox/settings/webhooks/regenerate-token")
    account.webhook.refresh_from_db()
    assert account.webhook.signature_token != old
    mark_hired(candidate)
    body = json.loads(responses.calls[0].request.body)
    assert body["signature"] == independent_signature(
        account.webhook.signature_token, body["token"], body["triggeredAt"]
    )


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_no_transaction_is_open_while_the_webhook_is_sent():
    """The receiver may be this same server: on SQLite a held write lock would deadlock it."""
    account = create_account("Tx Co", admin_email="admin@tx.lever", is_default=True)
    candidate = create_candidate(account, "Anna van der Berg")
    seen = {}

    def receiver(request):
        seen["in_atomic_block"] = connection.in_atomic_block
        # What the receiver would see from another connection: the hire is already committed.
        seen["hired_committed"] = type(candidate).objects.get(pk=candidate.pk).is_hired
        return (200, {}, "")

    responses.add_callback(responses.POST, URL, callback=receiver)
    mark_hired(candidate)
    assert seen == {"in_atomic_block": False, "hired_committed": True}


@responses.activate
def test_mark_hired_page_sends_and_shows_the_delivery(candidate, account):
    responses.post(URL, body='{"received": true}', status=200)
    client = Client()
    log_in(client)
    response = client.post(f"/lever-sandbox/candidates/{candidate.pk}/hire", follow=True)
    html = response.content.decode()
    assert "is hired" in html and "answered 200" in html
    assert "received" in html  # The response body is shown.
    assert WebhookRequest.objects.count() == 1


@responses.activate
def test_webhooks_page_verify_and_rerun_buttons(candidate, account):
    responses.post(URL, status=204)
    client = Client()
    log_in(client)
    client.post("/lever-sandbox/settings/webhooks/verify")
    ping = WebhookRequest.objects.get()
    assert ping.is_verify and ping.status_code == 204
    response = client.post(
        f"/lever-sandbox/settings/webhooks/requests/{ping.pk}/rerun",
        {"next": f"/lever-sandbox/candidates/{candidate.pk}/"},
    )
    assert response["Location"] == f"/lever-sandbox/candidates/{candidate.pk}/"
    assert WebhookRequest.objects.filter(rerun_of=ping).count() == 1
    page = client.get("/lever-sandbox/settings/webhooks").content.decode()
    assert account.webhook.signature_token in page
    assert "rerun" in page and "204" in page


def test_rerun_of_another_accounts_request_is_404(account):
    other = create_account("Other Co", admin_email="admin@other.lever")
    theirs = WebhookRequest.objects.create(
        account=other, event="candidateHired", url=URL, body="{}"
    )
    client = Client()
    log_in(client)
    assert (
        client.post(f"/lever-sandbox/settings/webhooks/requests/{theirs.pk}/rerun").status_code
        == 404
    )


@responses.activate
def test_hiring_twice_from_the_page_needs_a_stage_move_first(candidate, account):
    responses.post(URL, status=200)
    client = Client()
    log_in(client)
    client.post(f"/lever-sandbox/candidates/{candidate.pk}/hire")
    again = client.post(f"/lever-sandbox/candidates/{candidate.pk}/hire", follow=True)
    assert "already hired" in again.content.decode()
    assert len(responses.calls) == 1
    offer = account.stages.get(text="Offer")
    client.post(f"/lever-sandbox/candidates/{candidate.pk}/stage", {"stage": offer.pk})
    client.post(f"/lever-sandbox/candidates/{candidate.pk}/hire")
    assert len(responses.calls) == 2


@responses.activate
def test_timeouts_are_recorded(candidate):
    responses.post(URL, body=requests.ReadTimeout("slow"))
    sent = mark_hired(candidate)
    assert sent.status_code is None and sent.error.startswith("Timeout")
