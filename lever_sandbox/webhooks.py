"""Lever's outgoing webhooks: the envelope, its signature, and the POST with its history.

Envelope (LEVER.md): {"event", "triggeredAt" (ms, int), "token" (48 random chars), "signature",
"data"}, where signature = HMAC-SHA256(signature token, token + str(triggeredAt)), lowercase hex.
The body is not signed. Headers: `User-Agent: Lever-Webhooks`, `Content-Type: application/json`.

Call `deliver_event`, `verify` and `rerun` with no transaction open: the receiver may be this
same server, waiting for the database.
"""

import hashlib
import hmac
import json
import secrets
import time

import requests
from django.utils import timezone

from lever_sandbox.models import WebhookRequest

USER_AGENT = "Lever-Webhooks"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 15
RESPONSE_BODY_LIMIT = 2000


def sign(signature_token, token, triggered_at):
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


def build_event(account, event, candidate=None):
    """The JSON body of one event, signed with the account's current signature token."""
    triggered_at = int(timezone.now().timestamp() * 1000)
    token = secrets.token_hex(24)
    data = {}
    if candidate is not None:
        data = {
            "opportunityId": str(candidate.pk),
            "candidateId": str(candidate.pk),  # Lever's deprecated alias of opportunityId.
            "contactId": str(candidate.contact),
        }
    envelope = {
        "event": event,
        "triggeredAt": triggered_at,
        "token": token,
        "signature": sign(account.webhook.signature_token, token, triggered_at),
        "data": data,
    }
    return json.dumps(envelope)


def deliver_event(account, body, *, candidate=None):
    """Send an event if the account's webhook is on and has a URL; None otherwise."""
    settings_ = account.webhook
    if not settings_.is_enabled or not settings_.url:
        return None
    event = json.loads(body)["event"]
    return _send(account, settings_.url, body, event=event, candidate=candidate)


def verify(account):
    """The Webhooks page's *Verify* button: the envelope with empty `data`, sent even when off."""
    body = build_event(account, "candidateHired")
    return _send(account, account.webhook.url, body, event="candidateHired", is_verify=True)


def rerun(past_request):
    """*Rerun*: the same bytes again (same token and signature) to the URL configured now."""
    account = past_request.account
    return _send(
        account,
        account.webhook.url or past_request.url,
        past_request.body,
        event=past_request.event,
        candidate=past_request.candidate,
        is_verify=past_request.is_verify,
        rerun_of=past_request,
    )


def _send(account, url, body, *, event, candidate=None, is_verify=False, rerun_of=None):
    status_code, response_body, error = None, "", ""
    started = time.monotonic()
    try:
        response = requests.post(
            url,
            data=body.encode(),
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
            timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            # Lever counts a 3xx as a failure: never follow it.
            allow_redirects=False,
        )
        status_code = response.status_code
        response_body = response.text[:RESPONSE_BODY_LIMIT]
    except requests.Timeout:
        error = "Timeout: no answer in time. Is the receiving server busy or stuck?"
    except requests.ConnectionError:
        error = f"ConnectionError: could not connect to {url}. Is that server running?"[:500]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return WebhookRequest.objects.create(
        account=account,
        candidate=candidate,
        event=event,
        is_verify=is_verify,
        url=url,
        body=body,
        rerun_of=rerun_of,
        status_code=status_code,
        response_body=response_body,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
