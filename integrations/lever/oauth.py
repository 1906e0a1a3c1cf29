"""OAuth 2.0 with Lever (authorization code grant) and the life of the tokens it gives us.

Protocol: `new_state`, `redirect_uri`, `authorize_url`, `exchange_code`, `refresh` talk to
`{LEVER_AUTH_URL}` and return a `TokenSet`; they touch no database.
Lifecycle: `current_access_token` and `refresh_access_token` keep a config's tokens fresh, one
refresh at a time per config, and mark the config revoked when Lever answers `invalid_grant`.
"""

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from integrations import log
from integrations.lever.errors import (
    LeverAccessRevoked,
    LeverError,
    error_from_exception,
    error_from_response,
)
from integrations.lever.http import shared_session, timeout
from integrations.lever.locks import locked_config
from integrations.models import IntegrationConfig

# Refresh this long before the access token expires, so a call never starts with a token that
# dies in flight.
REFRESH_MARGIN = timedelta(seconds=60)
# Lever documents 3600 s; used only if a token answer leaves expires_in out.
DEFAULT_EXPIRES_IN_SECONDS = 3600
ACCOUNT_ID_CLAIM = "https://oauth.lever.co/accountId"

# --- Protocol -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str = ""

    @property
    def account_id(self):
        return account_id_from_access_token(self.access_token)

    def __repr__(self):  # never print a token, not even in a traceback
        return f"TokenSet(expires_at={self.expires_at!r}, scope={self.scope!r})"


def new_state():
    """An unguessable OAuth state: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def redirect_uri():
    """Where Lever sends the browser back; must equal the URI registered with Lever exactly."""
    return settings.SITE_URL + reverse("lever-oauth-callback")


def authorize_url(state):
    params = {
        "client_id": settings.LEVER_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "response_type": "code",
        "state": state,
        "audience": settings.LEVER_AUDIENCE,
        "scope": settings.LEVER_SCOPES,
        "prompt": "consent",
    }
    # quote (not quote_plus): scopes are space-separated and read back as %20 everywhere.
    return f"{settings.LEVER_AUTH_URL}/authorize?{urlencode(params, quote_via=quote)}"


def token_url():
    return f"{settings.LEVER_AUTH_URL}/oauth/token"


def exchange_code(code):
    """Trade the authorization code from the callback for tokens. Raises LeverError."""
    return _post_token(
        {
            "grant_type": "authorization_code",
            "client_id": settings.LEVER_CLIENT_ID,
            "client_secret": settings.LEVER_CLIENT_SECRET,
            "code": code,
            "redirect_uri": redirect_uri(),
        },
        action="exchanging the authorisation code for access tokens",
    )


def refresh(refresh_token):
    """A new access token (and a new refresh token: Lever rotates them).

    Raises LeverAccessRevoked when Lever answers invalid_grant (the grant is gone), LeverError
    otherwise. Prefer refresh_access_token(config, ...), which also serialises and stores.
    """
    try:
        tokens = _post_token(
            {
                "grant_type": "refresh_token",
                "client_id": settings.LEVER_CLIENT_ID,
                "client_secret": settings.LEVER_CLIENT_SECRET,
                "refresh_token": refresh_token,
            },
            action="renewing the access token",
        )
    except LeverError as exc:
        if exc.code == "invalid_grant":
            raise LeverAccessRevoked(
                "Lever no longer accepts this integration's authorisation (invalid_grant): "
                "access was revoked in Lever or the authorisation expired.",
                status=exc.status,
                code="invalid_grant",
            ) from exc
        raise
    if not tokens.refresh_token:
        # Lever always rotates; should it ever not, the old refresh token stays valid.
        tokens = TokenSet(tokens.access_token, refresh_token, tokens.expires_at, tokens.scope)
    return tokens


def _post_token(form, *, action):
    try:
        response = shared_session().post(token_url(), data=form, timeout=timeout())
    except requests.RequestException as exc:
        raise error_from_exception(exc, action=action) from exc
    if response.status_code != 200:
        raise error_from_response(response, action=action)
    try:
        body = response.json()
        access_token = body["access_token"]
        expires_in = int(body.get("expires_in") or DEFAULT_EXPIRES_IN_SECONDS)
    except (ValueError, KeyError, TypeError) as exc:
        raise LeverError(
            f"Lever sent an answer without an access token while {action}.",
            status=response.status_code,
            code="invalid_token_response",
            retryable=True,
        ) from exc
    return TokenSet(
        access_token=access_token,
        refresh_token=body.get("refresh_token") or "",
        expires_at=timezone.now() + timedelta(seconds=expires_in),
        scope=body.get("scope") or "",
    )


def account_id_from_access_token(access_token):
    """The Lever account id in the access token (a JWT), or "" when it carries none.

    The signature is deliberately not verified: the token came straight from Lever's token
    endpoint over TLS in answer to our own authenticated request, so the channel already vouches
    for it, and the account id is only shown to administrators, never used to grant access.
    """
    parts = access_token.split(".")
    if len(parts) != 3:
        return ""
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return ""
    if not isinstance(claims, dict):
        return ""
    return str(claims.get(ACCOUNT_ID_CLAIM) or "")


# --- Token lifecycle for a config ----------------------------------------------------------


def needs_refresh(config, now=None):
    now = now or timezone.now()
    return (
        not config.access_token
        or config.token_expires_at is None
        or config.token_expires_at - REFRESH_MARGIN <= now
    )


def current_access_token(config):
    """An access token valid for at least REFRESH_MARGIN, refreshing it first if need be."""
    _require_authorised(config)
    if not needs_refresh(config):
        return config.access_token
    return refresh_access_token(config, stale_access_token=config.access_token)


def refresh_access_token(config, *, stale_access_token):
    """Replace `stale_access_token` (expiring, or just refused with 401) and return the new one.

    One refresh at a time per config (integrations.lever.locks: a row lock on PostgreSQL, a
    host-wide file lock on SQLite). Whoever waited for the lock re-reads the row and uses the
    token the first one stored, because refreshing twice with the same rotating refresh token can
    make Lever (Auth0) revoke the whole grant. The HTTP call is made while holding the lock, on
    purpose. Call this outside any transaction. Updates `config` in place. Raises
    LeverAccessRevoked or LeverError.
    """
    revoked = None
    with locked_config(config.pk) as locked:
        if not _is_authorised(locked):
            _copy_token_state(locked, config)
            _require_authorised(locked)
        if locked.access_token != stale_access_token and not needs_refresh(locked):
            _copy_token_state(locked, config)  # someone else refreshed while we waited
            return locked.access_token
        try:
            tokens = refresh(locked.refresh_token)
        except LeverAccessRevoked as exc:
            mark_revoked(locked)
            revoked = exc
        else:
            store_tokens(locked, tokens)
    _copy_token_state(locked, config)
    if revoked is not None:
        raise revoked
    return locked.access_token


def store_tokens(config, tokens):
    """Save freshly issued tokens (always the new refresh token) with their absolute expiry."""
    config.access_token = tokens.access_token
    config.refresh_token = tokens.refresh_token
    config.token_expires_at = tokens.expires_at
    config.save(update_fields=["access_token", "refresh_token", "token_expires_at", "updated_at"])


def clear_tokens(config):
    """Forget the tokens (not saved: the caller saves with its other changes)."""
    config.access_token = ""
    config.refresh_token = ""
    config.token_expires_at = None


def mark_revoked(config):
    """Lever refused the grant: erase the tokens, mark the config revoked, tell the Log."""
    clear_tokens(config)
    config.status = IntegrationConfig.Status.REVOKED
    config.save(
        update_fields=["access_token", "refresh_token", "token_expires_at", "status", "updated_at"]
    )
    log.error(
        config,
        f"Lever no longer accepts the connection for {config.subdomain}: access was revoked in "
        "Lever or the authorisation expired. New hires cannot be fetched until it is "
        "re-authorised. An administrator must open the Lever integration's Details screen and "
        "click Re-authorise; hires that failed meanwhile can then be retried from the Log.",
    )


def _is_authorised(config):
    return config.status == IntegrationConfig.Status.AUTHORISED and bool(config.refresh_token)


def _require_authorised(config):
    if not _is_authorised(config):
        raise LeverAccessRevoked(
            f"The Lever integration for {config.subdomain} is not authorised "
            f"({config.get_status_display().lower()}): re-authorise it on the Details screen.",
            code="not_authorised",
        )


def _copy_token_state(source, target):
    if source is target:
        return
    for field in ("access_token", "refresh_token", "token_expires_at", "status"):
        setattr(target, field, getattr(source, field))
