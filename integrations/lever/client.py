"""The only code that talks HTTP to Lever's data API.

    client = LeverClient(config)
    opportunity = client.get_opportunity(opportunity_id)   # the "data" object, a dict
    reason = client.get_archive_reason(reason_id)

Every call: a Bearer token kept fresh by oauth.py (refreshed 60 s before expiry, or once after a
401), a rate-limit slot shared by all processes (ratelimit.py), a 5 s connect and a 30 s read
timeout (LEVER_READ_TIMEOUT_SECONDS), and a few quick retries of 429, 5xx, timeouts and
connection errors. Anything that still fails
raises LeverError, whose `retryable` and `retry_after_seconds` tell the caller whether and when to
schedule another attempt; LeverAccessRevoked means someone must re-authorise first.
Call it outside database transactions: it takes short row locks of its own.
"""

import logging
import re
import time
from urllib.parse import quote

import requests
from django.conf import settings
from tenacity import (
    Retrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)

from integrations.lever import oauth, ratelimit
from integrations.lever.errors import (
    LeverAccessRevoked,
    LeverError,
    error_from_exception,
    error_from_response,
)
from integrations.lever.http import shared_session, timeout

__all__ = ["LeverAccessRevoked", "LeverClient", "LeverError"]

logger = logging.getLogger(__name__)

# In-request retries are few and short: longer retries (minutes to an hour) belong to
# the hire processing, which reschedules the delivery using LeverError.retry_after_seconds.
MAX_ATTEMPTS = 3
MAX_RETRY_SECONDS = 10
# A Retry-After longer than this is not waited for in the request; the caller reschedules.
MAX_RETRY_AFTER_IN_REQUEST_SECONDS = 5
# Exponential backoff (0.5 s, 1 s, 2 s... at most 4 s) plus up to 0.5 s of jitter.
_backoff = wait_exponential(multiplier=0.5, max=4) + wait_random(0, 0.5)

# Lever ids are UUIDs; anything else (the webhook's data is not signed) never reaches a URL.
_LEVER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def sleep(seconds):
    """Indirection so tests can skip real waiting."""
    time.sleep(seconds)


class LeverClient:
    def __init__(self, config, *, session=None):
        self.config = config
        self.session = session or shared_session()

    def get_opportunity(self, opportunity_id):
        return self._get_data("opportunities", opportunity_id, "opportunity")

    def get_archive_reason(self, reason_id):
        return self._get_data("archive_reasons", reason_id, "archive reason")

    # --- internals ---------------------------------------------------------------------------

    def _get_data(self, collection, record_id, noun):
        record_id = str(record_id or "")
        action = f"fetching {noun} {record_id}"
        if not _LEVER_ID.match(record_id):
            raise LeverError(
                f"{noun.capitalize()} id {record_id[:80]!r} is not a valid Lever id.",
                code="invalid_id",
            )
        path = f"/{collection}/{quote(record_id, safe='')}"
        token = oauth.current_access_token(self.config)
        try:
            response = self._get_with_retries(path, token, action)
        except LeverError as exc:
            if exc.status != 401:
                raise
            # The token may have been revoked or rotated early: refresh once and try again.
            token = oauth.refresh_access_token(self.config, stale_access_token=token)
            try:
                response = self._get_with_retries(path, token, action)
            except LeverError as again:
                if again.status == 401:
                    raise LeverAccessRevoked(
                        f"Lever refused this integration's access while {action}, even with a "
                        "newly renewed token: re-authorise it on the Details screen.",
                        status=401,
                        code=again.code,
                    ) from again
                raise
        return _data(response, action)

    def _get_with_retries(self, path, token, action):
        retrying = Retrying(
            retry=retry_if_exception(_worth_retrying_now),
            stop=stop_after_attempt(MAX_ATTEMPTS) | stop_before_delay(MAX_RETRY_SECONDS),
            wait=_wait,
            sleep=lambda seconds: sleep(seconds),
            before_sleep=before_sleep_log(logger, logging.WARNING),
            reraise=True,
        )
        return retrying(self._get_once, path, token, action)

    def _get_once(self, path, token, action):
        # Every attempt, retries included, takes its own rate-limit slot.
        ratelimit.wait_for_slot(self.config)
        try:
            response = self.session.get(
                settings.LEVER_API_URL + path,
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout(),
            )
        except requests.RequestException as exc:
            raise error_from_exception(exc, action=action) from exc
        if response.status_code != 200:
            raise error_from_response(response, action=action)
        return response


def _worth_retrying_now(exc):
    return (
        isinstance(exc, LeverError)
        and exc.retryable
        and (
            exc.retry_after_seconds is None
            or exc.retry_after_seconds <= MAX_RETRY_AFTER_IN_REQUEST_SECONDS
        )
    )


def _wait(retry_state):
    """Lever's Retry-After when it sent one, else exponential backoff with jitter."""
    exc = retry_state.outcome.exception()
    if getattr(exc, "retry_after_seconds", None) is not None:
        return exc.retry_after_seconds
    return _backoff(retry_state)


def _data(response, action):
    try:
        data = response.json()["data"]
    except (ValueError, KeyError, TypeError):
        data = None
    if not isinstance(data, dict):
        raise LeverError(
            f"Lever sent an answer that could not be read while {action}.",
            status=response.status_code,
            code="invalid_response",
            retryable=True,
        )
    return data
