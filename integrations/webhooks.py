"""The Lever webhook: check the cheap things, verify, store the delivery, enqueue, answer.

Everything slow (Lever's API, HR records) happens in the worker (integrations.hiring). The view is
exempt from CSRF (Lever cannot send a token) and from ATOMIC_REQUESTS, so nothing can roll back a
stored delivery; a database failure answers 503 so that Lever retries.
"""

import json
import logging
import math
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from integrations import log
from integrations.crypto import DecryptionError
from integrations.lever.signatures import is_valid_signature
from integrations.models import IntegrationConfig, WebhookDelivery, subdomain_validator

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_FUTURE_SKEW_MS = 5 * 60 * 1000
HIRED_EVENT = "candidateHired"
# One Log entry per config and kind of refusal per hour: enough for the administrator to notice a
# wrong signature token, not enough for a stranger's requests to flood the Log.
REFUSAL_LOG_INTERVAL_SECONDS = 3600


def answer(http_status, detail, **extra):
    return JsonResponse({"detail": detail, **extra}, status=http_status)


@csrf_exempt
@transaction.non_atomic_requests
def lever_webhook(request, subdomain):
    if request.method != "POST":
        response = answer(405, "Only POST is accepted.")
        response["Allow"] = "POST"
        return response
    body = read_body(request)
    if body is None:
        return answer(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    envelope = parse_envelope(body)
    if envelope is None:
        return answer(
            400, "Expected Lever's JSON: event, token, triggeredAt and signature are required."
        )
    try:
        return receive(subdomain, envelope)
    except DataError:
        # e.g. a \u0000 in a signed token, which PostgreSQL's text columns cannot hold even in a
        # query: retrying cannot help, so this is the sender's error, not a 503.
        return answer(400, "The body contains values that cannot be stored.")
    except DatabaseError:
        logger.exception("Could not store a Lever webhook for %r", subdomain)
        return answer(503, "Temporarily unable to accept the webhook; please retry.")


def read_body(request):
    """The body, or None when it is over the limit (by its Content-Length or by what was read)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return None
    body = request.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


def parse_envelope(body):
    """Lever's envelope as a dict, or None if any required field is missing or of the wrong type."""
    try:
        # NaN and Infinity are not JSON, and a database's JSON type refuses them.
        envelope = json.loads(body, parse_constant=reject_constant, parse_float=finite_float)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(envelope, dict):
        return None
    event, token = envelope.get("event"), envelope.get("token")
    triggered_at, signature = envelope.get("triggeredAt"), envelope.get("signature")
    data = envelope.get("data")
    if not (is_text(event) and event and len(event) <= 64):
        return None
    if not (is_text(token) and token and len(token) <= 255):
        return None
    # bool is an int in Python; Lever sends milliseconds as a JSON integer.
    if not isinstance(triggered_at, int) or isinstance(triggered_at, bool) or triggered_at < 0:
        return None
    if not is_text(signature):
        return None
    if data is not None and not isinstance(data, dict):
        return None
    envelope["data"] = data or {}
    return envelope


def is_text(value):
    """A string that can be written as UTF-8: JSON allows a lone surrogate escape ("\\ud800"),
    which Python decodes into a str that cannot be encoded, hashed or stored."""
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def finite_float(text):
    # 1e400 is valid JSON but becomes infinity, which no database's JSON column accepts.
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large")
    return value


def receive(subdomain, envelope):
    config = find_config(subdomain)
    if config is None:
        # The same answer for unknown and disabled accounts: nothing to learn by probing.
        return answer(404, "No Lever integration at this address.")
    try:
        signature_token = config.signature_token
    except DecryptionError:
        logger.exception("The signature token of %s cannot be decrypted", config)
        return answer(503, "Temporarily unable to check the signature; please retry.")
    token, triggered_at = envelope["token"], envelope["triggeredAt"]
    if not signature_token:
        note_refusal(config, "no-token", NO_SIGNATURE_TOKEN_MESSAGE)
        return answer(403, "Signature not accepted.")
    if not is_valid_signature(signature_token, token, triggered_at, envelope["signature"]):
        note_refusal(config, "bad-signature", BAD_SIGNATURE_MESSAGE)
        return answer(403, "Signature not accepted.")
    if not is_recent(triggered_at):
        note_refusal(config, "stale", STALE_MESSAGE)
        return answer(403, "triggeredAt is outside the accepted time window.")
    return store(config, envelope)


def find_config(subdomain):
    # Anything that could not be saved as a subdomain matches no config; checking here also keeps
    # junk such as a \u0000 (which PostgreSQL refuses in a query) away from the database.
    if not subdomain_validator.regex.search(subdomain):
        return None
    return (
        IntegrationConfig.objects.filter(subdomain__iexact=subdomain, is_enabled=True)
        .exclude(status=IntegrationConfig.Status.DISABLED)
        .first()
    )


def is_recent(triggered_at_ms):
    now_ms = int(time.time() * 1000)
    max_age_ms = settings.LEVER_WEBHOOK_MAX_AGE_SECONDS * 1000
    return now_ms - max_age_ms <= triggered_at_ms <= now_ms + MAX_FUTURE_SKEW_MS


def store(config, envelope):
    data, event = envelope["data"], envelope["event"]
    if not data:
        status, outcome = WebhookDelivery.Status.IGNORED, "verified"
    elif event != HIRED_EVENT:
        status, outcome = WebhookDelivery.Status.IGNORED, "ignored"
    else:
        status, outcome = WebhookDelivery.Status.RECEIVED, "accepted"
    # No look-up first: the unique (config, token) constraint answers "seen before" in the same
    # round trip as the insert, and is the only check that holds when two copies arrive at once.
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                config=config,
                event=event,
                token=envelope["token"],
                triggered_at=datetime.fromtimestamp(envelope["triggeredAt"] / 1000, tz=UTC),
                payload=envelope,
                opportunity_id=short_id(data.get("opportunityId") or data.get("candidateId")),
                contact_id=short_id(data.get("contactId")),
                status=status,
            )
            if status == WebhookDelivery.Status.RECEIVED:
                enqueue_on_commit(delivery.pk)
    except IntegrityError:
        # The same token again (a replay, or two copies at once): the first one is stored.
        return answer(200, "Already received.", status="duplicate")
    except DataError:
        # e.g. a \u0000 in a string, which PostgreSQL's jsonb cannot hold: retrying cannot help.
        return answer(400, "The body contains values that cannot be stored.")
    return answer(200, OUTCOME_DETAILS[outcome], status=outcome)


def enqueue_on_commit(delivery_id):
    # Imported here: the task module imports hiring, which is heavier than this view needs.
    from integrations.tasks import process_delivery

    # robust: if enqueueing fails, the stored delivery is still answered 200 and the worker's
    # recovery sweep enqueues it again (integrations.hiring.recover_stalled_deliveries).
    transaction.on_commit(lambda: process_delivery.enqueue(delivery_id), robust=True)


def short_id(value):
    """A Lever id as stored on the delivery; anything that is not one is left for the worker."""
    return value if isinstance(value, str) and len(value) <= 64 else ""


def note_refusal(config, kind, message):
    if cache.add(f"lever-webhook-refused:{config.pk}:{kind}", 1, REFUSAL_LOG_INTERVAL_SECONDS):
        log.warning(config, message)


OUTCOME_DETAILS = {
    "accepted": "Hire received; it will be processed shortly.",
    "verified": "Webhook verified.",
    "ignored": "Event received; this integration only acts on candidateHired.",
}
NO_SIGNATURE_TOKEN_MESSAGE = (
    "Lever sent a webhook, but no signature token is set on this integration's Details "
    "screen, so it was refused. Copy the Candidate Hired webhook's signature token from Lever "
    "(Settings > Integrations and API > Webhooks) into the Details screen. Lever retries for a "
    "while; otherwise move the candidate to another stage and back to Hired."
)
BAD_SIGNATURE_MESSAGE = (
    "A webhook for this integration was refused because its signature did not match the "
    "signature token on the Details screen. If hires from Lever are not arriving, copy the "
    "Candidate Hired webhook's signature token from Lever (Settings > Integrations and API > "
    "Webhooks) into the Details screen again."
)
STALE_MESSAGE = (
    "A webhook from Lever was refused because the event it reports is too old (or its time is "
    "in the future). If a candidate's hire is missing, move them to another stage in Lever and "
    "back to Hired to send it again."
)
