"""Lever's OAuth server (Auth0): codes, grants, access tokens and rotating refresh tokens.

Behaviour copied from Lever/Auth0 where known (LEVER.md):
- codes are single-use, short-lived, bound to the client and the redirect URI; presenting a used
  code again revokes the grant it produced;
- a refresh token is issued only with the `offline_access` scope; every refresh returns a new one
  and retires the old; presenting a retired one revokes the whole grant (Auth0's reuse detection);
- refresh tokens die 90 days unused or a year after consent;
- a revoked grant answers `invalid_grant`, and its access tokens stop working at once.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lever_sandbox.accounts import hash_secret
from lever_sandbox.models import AuthorizationCode, Grant, RefreshToken

ACCOUNT_ID_CLAIM = "https://oauth.lever.co/accountId"
# The sandbox's own claim naming the grant, so that revoking a grant kills its access tokens.
GRANT_ID_CLAIM = "https://sandbox.lever/grantId"

CODE_LIFETIME = timedelta(minutes=5)
REFRESH_TOKEN_IDLE_LIFETIME = timedelta(days=90)
GRANT_LIFETIME = timedelta(days=365)

# What the consent page says for each scope Lever knows.
SCOPE_DESCRIPTIONS = {
    "offline_access": "Stay connected: keep access while you are not logged in",
    "opportunities:read:admin": "Read opportunities (candidates), including contact details",
    "archive_reasons:read:admin": "Read archive reasons",
    "offers:read:admin": "Read offers",
    "postings:read:admin": "Read job postings",
    "webhooks:write:admin": "Create and manage webhooks",
    "confidential:access:admin": "Access confidential data",
    "stages:read:admin": "Read pipeline stages",
    "users:read:admin": "Read users",
}


class OAuthError(Exception):
    """An error answered by the token endpoint: `{"error": code, "error_description": ...}`."""

    def __init__(self, code, description, status):
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def invalid_grant(description):
    # Auth0 answers invalid_grant with 403.
    return OAuthError("invalid_grant", description, 403)


@dataclass
class TokenSet:
    access_token: str
    refresh_token: str | None
    scope: str
    expires_in: int

    def as_json(self):
        body = {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "scope": self.scope,
            "expires_in": self.expires_in,
        }
        if self.refresh_token:
            body["refresh_token"] = self.refresh_token
        return body


def unknown_scopes(scope):
    return [s for s in scope.split() if s not in SCOPE_DESCRIPTIONS]


def issue_code(*, account, app, user, redirect_uri, scope):
    """A new authorisation code for an accepted consent. Returns the code (shown once)."""
    code = secrets.token_urlsafe(24)
    AuthorizationCode.objects.create(
        code_hash=hash_secret(code),
        account=account,
        app=app,
        user=user,
        redirect_uri=redirect_uri,
        scope=scope,
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    return code


def exchange_code(*, app, code, redirect_uri):
    """grant_type=authorization_code -> TokenSet, or OAuthError."""
    with transaction.atomic():
        outcome = _exchange_code(app, code, redirect_uri)
    # Raised only now, so that a revocation or a call count recorded on the way is committed.
    if isinstance(outcome, OAuthError):
        raise outcome
    return outcome


def refresh(*, app, refresh_token):
    """grant_type=refresh_token: rotate -> TokenSet, or OAuthError."""
    with transaction.atomic():
        outcome = _refresh(app, refresh_token)
    if isinstance(outcome, OAuthError):
        raise outcome
    return outcome


def _exchange_code(app, code, redirect_uri):
    row = (
        AuthorizationCode.objects.select_for_update()
        .filter(code_hash=hash_secret(code or ""))
        .first()
    )
    if row is None:
        return invalid_grant("Invalid authorization code")
    now = timezone.now()
    if row.used_at is not None:
        grant = row.grant
        if grant is not None:
            _count_call(grant)
            if grant.is_active:
                _revoke(grant, "authorization code used twice")
        return invalid_grant("Invalid authorization code")
    if row.app_id != app.pk or row.redirect_uri != redirect_uri or row.expires_at <= now:
        return invalid_grant("Invalid authorization code")
    grant = Grant.objects.create(
        account=row.account, app=app, user=row.user, scope=row.scope, token_calls=1
    )
    row.used_at = now
    row.grant = grant
    row.save(update_fields=["used_at", "grant"])
    return _issue_tokens(grant)


def _refresh(app, refresh_token):
    invalid = invalid_grant("Unknown or invalid refresh token.")
    row = (
        RefreshToken.objects.select_for_update()
        .filter(token_hash=hash_secret(refresh_token or ""))
        .first()
    )
    if row is None:
        return invalid
    grant = Grant.objects.select_for_update().select_related("account", "app").get(pk=row.grant_id)
    _count_call(grant, refresh=True)
    now = timezone.now()
    if not grant.is_active or grant.app_id != app.pk:
        return invalid
    if row.used_at is not None:
        _revoke(grant, "refresh token reused")
        return invalid
    idle_expired = row.created_at + REFRESH_TOKEN_IDLE_LIFETIME <= now
    if idle_expired or grant.created_at + GRANT_LIFETIME <= now:
        return invalid_grant("The refresh token has expired.")
    row.used_at = now
    row.save(update_fields=["used_at"])
    return _issue_tokens(grant)


def revoke_app(account, app):
    """*Revoke Access* under Authorized Apps: every active grant of the app on the account."""
    with transaction.atomic():
        grants = list(account.grants.select_for_update().filter(app=app, revoked_at=None))
        for grant in grants:
            _revoke(grant, "access revoked by a Super Admin")
    return len(grants)


def _revoke(grant, reason):
    grant.revoked_at = timezone.now()
    grant.revoked_reason = reason
    grant.save(update_fields=["revoked_at", "revoked_reason"])


def _count_call(grant, refresh=False):
    updates = {"token_calls": F("token_calls") + 1}
    if refresh:
        updates["refresh_calls"] = F("refresh_calls") + 1
    Grant.objects.filter(pk=grant.pk).update(**updates)


def _issue_tokens(grant):
    lifetime = max(1, grant.account.access_token_lifetime_seconds)
    access_token = encode_access_token(grant, lifetime)
    refresh_token = None
    if "offline_access" in grant.scopes():
        refresh_token = secrets.token_urlsafe(32)
        RefreshToken.objects.create(
            grant=grant, token_hash=hash_secret(refresh_token), created_at=timezone.now()
        )
    return TokenSet(access_token, refresh_token, grant.scope, lifetime)


# --- Access tokens (JWT, HS256) --------------------------------------------------------------


def _signing_key():
    return salted_hmac("lever_sandbox.access_token", "signing-key").hexdigest()


def encode_access_token(grant, lifetime_seconds):
    now = timezone.now()
    payload = {
        "iss": f"{settings.SITE_URL}/lever-sandbox/",
        "sub": f"auth0|{grant.user_id}",
        "aud": settings.LEVER_AUDIENCE,
        "azp": grant.app.client_id,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + lifetime_seconds,
        "jti": uuid.uuid4().hex,
        "scope": grant.scope,
        ACCOUNT_ID_CLAIM: str(grant.account_id),
        GRANT_ID_CLAIM: grant.pk,
    }
    return jwt.encode(payload, _signing_key(), algorithm="HS256")


class InvalidAccessToken(Exception):
    pass


def grant_for_access_token(token):
    """The active grant behind a Bearer token, or InvalidAccessToken saying why not."""
    try:
        payload = jwt.decode(
            token,
            _signing_key(),
            algorithms=["HS256"],
            options={"verify_aud": False, "require": ["exp", ACCOUNT_ID_CLAIM, GRANT_ID_CLAIM]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidAccessToken("The access token has expired.") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidAccessToken("The access token is invalid.") from exc
    grant = (
        Grant.objects.select_related("account", "app")
        .filter(pk=payload[GRANT_ID_CLAIM], account_id=payload[ACCOUNT_ID_CLAIM])
        .first()
    )
    if grant is None or not grant.is_active:
        raise InvalidAccessToken("The access token has been revoked.")
    return grant
