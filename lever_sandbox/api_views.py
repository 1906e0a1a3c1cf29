"""Lever's data API under /lever-sandbox/v1/: Bearer auth, scopes, rate limit, faults, envelopes.

Success: `{"data": ...}`. Errors: `{"code": "...", "message": "..."}` with Lever's statuses.
"""

import functools
import random
import time
import uuid

from django.http import JsonResponse

from lever_sandbox import candidates, oauth, ratelimit
from lever_sandbox.models import ArchiveReason, Candidate

ERROR_CODES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequestsError",
    500: "InternalServerError",
    503: "ServiceUnavailableError",
}


def error(status, message, **headers):
    body = {"code": ERROR_CODES.get(status, "Error"), "message": message}
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def lever_api(scope):
    """Wrap an API view: the view receives the account behind the Bearer token."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET":
                return error(405, f"Method {request.method} is not allowed here.")
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer ") or not header[7:].strip():
                return error(401, "Missing API credentials.", WWW_Authenticate="Bearer")
            try:
                grant = oauth.grant_for_access_token(header[7:].strip())
            except oauth.InvalidAccessToken as exc:
                return error(401, str(exc), WWW_Authenticate='Bearer error="invalid_token"')
            if scope not in grant.scopes():
                return error(403, f"The access token lacks the scope {scope}.")
            account = grant.account
            decision = ratelimit.take_token(account.pk)
            if not decision.allowed:
                headers = {}
                if account.rate_limit_sends_retry_after:
                    headers["Retry_After"] = str(decision.retry_after_seconds)
                return error(429, "Too many requests: slow down and try again.", **headers)
            if account.latency_ms:
                time.sleep(account.latency_ms / 1000)
            if account.fault_rate and random.random() < account.fault_rate:
                return error(account.fault_status, "Injected fault: please retry later.")
            return view(request, account, *args, **kwargs)

        return wrapper

    return decorator


@lever_api("opportunities:read:admin")
def opportunity(request, account, opportunity_id):
    candidate = (
        Candidate.objects.select_related("stage")
        .filter(account=account, pk=_uuid_or_none(opportunity_id))
        .first()
    )
    if candidate is None:
        return error(404, f"Opportunity {opportunity_id} was not found.")
    expand = request.GET.getlist("expand")
    return JsonResponse({"data": candidates.opportunity_json(candidate, request, expand)})


@lever_api("archive_reasons:read:admin")
def archive_reason(request, account, reason_id):
    reason = ArchiveReason.objects.filter(account=account, pk=_uuid_or_none(reason_id)).first()
    if reason is None:
        return error(404, f"Archive reason {reason_id} was not found.")
    return JsonResponse({"data": candidates.archive_reason_json(reason)})


@lever_api("archive_reasons:read:admin")
def archive_reasons(request, account):
    data = [candidates.archive_reason_json(r) for r in account.archive_reasons.all()]
    return JsonResponse({"data": data, "hasNext": False})


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
