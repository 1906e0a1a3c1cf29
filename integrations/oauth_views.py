"""The two OAuth endpoints: send the administrator to Lever, and take Lever's answer back.

`state` ties the answer to the administrator's own session and to one config: 256 random bits,
single-use, kept in the session for STATE_LIFETIME_SECONDS. Whatever goes wrong, the browser
returns to the admin with a message saying what happened, and nothing is changed.
"""

import logging
import time

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from integrations import connection, log
from integrations.lever import oauth
from integrations.lever.errors import LeverError
from integrations.models import IntegrationConfig

logger = logging.getLogger(__name__)

STATE_LIFETIME_SECONDS = 600
SESSION_KEY = "lever_oauth_states"
# Several tabs may authorise at once; a bounded number of pending states per session.
MAX_PENDING_STATES = 10


def _require_manager(request):
    """None when the user may manage integrations; else the response to send instead."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not connection.can_manage(request.user):
        raise PermissionDenied
    return None


@require_GET
def authorize(request, subdomain):
    """302 to Lever's authorise page for the config with this subdomain."""
    refusal = _require_manager(request)
    if refusal is not None:
        return refusal
    config = get_object_or_404(IntegrationConfig, subdomain__iexact=subdomain)
    state = oauth.new_state()
    _remember_state(request, state, config)
    return HttpResponseRedirect(oauth.authorize_url(state))


@require_GET
def callback(request):
    """Lever's answer: check state, exchange the code, store the tokens, back to the Details."""
    refusal = _require_manager(request)
    if refusal is not None:
        return refusal
    config = _take_state(request, request.GET.get("state", ""))
    if config is None:
        messages.error(
            request,
            "The answer from Lever did not match an authorisation started from this browser "
            "session in the last 10 minutes (or it was already used), so nothing was changed. "
            "Open the Lever integration and click Authorise to start again.",
        )
        return redirect("admin:integrations_integrationconfig_changelist")

    error = request.GET.get("error", "")
    code = request.GET.get("code", "")
    if error or not code:
        return _refused_in_lever(request, config, error, request.GET.get("error_description", ""))

    try:
        tokens = oauth.exchange_code(code)
    except LeverError as exc:
        log.error(
            config,
            f"Authorising the connection to Lever for {config.subdomain} failed: {exc.message} "
            "Nothing was changed. Click Authorise on the Details screen to try again; if it "
            "keeps failing, check the Lever client id and secret in the server settings.",
        )
        messages.error(
            request,
            f"Lever did not complete the authorisation: {exc.message} Nothing was changed; "
            "click Authorise to try again.",
        )
        return _details(config)

    connection.record_authorisation(config, tokens, request.user)
    messages.success(
        request,
        f"Lever is connected for {config.subdomain}. Candidates marked Hired in Lever will be "
        "created here.",
    )
    return _details(config)


def _refused_in_lever(request, config, error, description):
    if error == "access_denied":
        text = (
            "Authorisation was declined in Lever, so nothing was changed. Click Authorise and "
            "choose Accept in Lever to connect (only a Lever Super Admin can)."
        )
    else:
        detail = f" ({error}: {description[:200]})" if error else ""
        text = (
            f"Lever did not authorise the connection{detail}, so nothing was changed. "
            "Click Authorise to try again."
        )
    log.warning(config, f"Connecting {config.subdomain} to Lever: {text}")
    messages.error(request, text)
    return _details(config)


def _details(config):
    return redirect("admin:integrations_integrationconfig_change", config.pk)


def _remember_state(request, state, config):
    now = time.time()
    pending = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if value["expires_at"] > now
    }
    if len(pending) >= MAX_PENDING_STATES:
        oldest = min(pending, key=lambda key: pending[key]["expires_at"])
        del pending[oldest]
    pending[state] = {"config_id": config.pk, "expires_at": now + STATE_LIFETIME_SECONDS}
    request.session[SESSION_KEY] = pending


def _take_state(request, state):
    """The config this state was issued for, once: the state is removed whatever happens."""
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or entry["expires_at"] <= time.time():
        logger.warning("Lever OAuth callback with an unknown, used or expired state")
        return None
    return IntegrationConfig.objects.filter(pk=entry["config_id"]).first()
