"""The one error type for everything that goes wrong talking to Lever, and how it is read.

`retryable` tells the caller whether trying again later can help (429, 5xx, timeouts, connection
errors); `retry_after_seconds` carries Lever's Retry-After when it sent one.
"""

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class LeverError(Exception):
    """A failed call to Lever. The message is plain English and never contains a secret."""

    def __init__(self, message, *, status=None, code="", retryable=False, retry_after_seconds=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after_seconds = retry_after_seconds

    def __repr__(self):
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"retryable={self.retryable!r}, message={self.message!r})"
        )


class LeverAccessRevoked(LeverError):
    """Lever no longer accepts this integration's authorisation: someone must re-authorise.

    Never retryable: trying again cannot help until an administrator authorises again.
    """

    def __init__(self, message, *, status=None, code="access_revoked"):
        super().__init__(message, status=status, code=code, retryable=False)


def retry_after_seconds(response):
    """Retry-After (seconds or an HTTP date) as seconds, or None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(Retry().parse_retry_after(value)))
    except InvalidHeader:
        return None


def _envelope(response):
    """Lever's error body: {"code", "message"} from the API, {"error", "error_description"}
    from the token endpoint. Anything else (an HTML error page from a proxy) gives ("", "")."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    code = body.get("code") or body.get("error") or ""
    message = body.get("message") or body.get("error_description") or ""
    return str(code), str(message)


_STATUS_EXPLANATIONS = {
    400: "Lever refused the request as invalid",
    401: "Lever did not accept this integration's credentials",
    403: "Lever refused access: the authorisation lacks a permission this needs",
    404: "Lever has no such record",
    429: "Lever asked us to slow down (rate limit)",
    500: "Lever had an internal error",
    502: "Lever was unreachable behind its gateway",
    503: "Lever is temporarily unavailable (maintenance)",
    504: "Lever did not answer in time",
}


def error_from_response(response, *, action):
    """A LeverError for an unsuccessful HTTP answer; `action` says what we were doing, e.g.
    "fetching opportunity 123"."""
    status = response.status_code
    code, detail = _envelope(response)
    explanation = _STATUS_EXPLANATIONS.get(status, "Lever answered with an unexpected status")
    message = f"{explanation} while {action} (HTTP {status}"
    message += f", {code}: {detail})." if code or detail else ")."
    return LeverError(
        message,
        status=status,
        code=code or f"http_{status}",
        retryable=status in RETRYABLE_STATUSES,
        retry_after_seconds=retry_after_seconds(response),
    )


def error_from_exception(exc, *, action):
    """A LeverError for a request that got no answer: timeouts and connection failures are
    retryable; anything else requests raises (a malformed URL, too many redirects) is not."""
    if isinstance(exc, requests.Timeout):
        return LeverError(
            f"Lever did not answer in time while {action}.", code="timeout", retryable=True
        )
    if isinstance(exc, requests.ConnectionError):
        return LeverError(
            f"Could not connect to Lever while {action}.", code="connection_error", retryable=True
        )
    return LeverError(
        f"The request to Lever failed while {action} ({type(exc).__name__}).",
        code="request_error",
    )
