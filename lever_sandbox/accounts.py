"""Sandbox accounts, their users and the registered OAuth app, created on demand.

The first request to the sandbox (or a test calling `get_default_account()`) creates a default
account with a Super Admin, Lever's usual stages and archive reasons, and the Candidate Hired
webhook pointing at this site.
"""

import functools
import hashlib
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction

from lever_sandbox.models import (
    Account,
    ArchiveReason,
    OAuthApp,
    SandboxUser,
    Stage,
    WebhookSettings,
)

# It is a sandbox: the login page shows these.
DEFAULT_ADMIN_EMAIL = "admin@sandbox.lever"
DEFAULT_RECRUITER_EMAIL = "recruiter@sandbox.lever"
DEFAULT_PASSWORD = "sandbox-password"
DEFAULT_SUBDOMAIN = "CezanneHR"

# The product's callback and webhook paths (SPEC sections 5 and 6).
CALLBACK_PATH = "/cezannehr/api/v4/Lever/oauth/callback"
WEBHOOK_PATH = "/cezannehr/api/v4/Lever/webhook/"

STAGES = ["New lead", "Reached out", "Phone screen", "On-site interview", "Offer"]
ARCHIVE_REASONS = [
    ("Hired", ArchiveReason.Type.HIRED),
    ("Withdrew", ArchiveReason.Type.NON_HIRED),
    ("Position filled", ArchiveReason.Type.NON_HIRED),
    ("Underqualified", ArchiveReason.Type.NON_HIRED),
]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1"}


def get_default_account():
    account = Account.objects.filter(is_default=True).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return create_account("Sandbox Co", admin_email=DEFAULT_ADMIN_EMAIL, is_default=True)
    except IntegrityError:  # Another request created it at the same moment.
        return Account.objects.get(is_default=True)


def create_account(name, *, admin_email, is_default=False):
    """A new Lever account with one Super Admin (password DEFAULT_PASSWORD) and the usual setup."""
    with transaction.atomic():
        account = Account.objects.create(name=name, is_default=is_default)
        create_user(account, admin_email, "Sandbox Admin", SandboxUser.Role.SUPER_ADMIN)
        if is_default:
            create_user(
                account, DEFAULT_RECRUITER_EMAIL, "Sam Recruiter", SandboxUser.Role.TEAM_MEMBER
            )
        Stage.objects.bulk_create(
            Stage(account=account, text=text, position=i) for i, text in enumerate(STAGES)
        )
        ArchiveReason.objects.bulk_create(
            ArchiveReason(account=account, text=text, type=type_) for text, type_ in ARCHIVE_REASONS
        )
        WebhookSettings.objects.create(
            account=account,
            url=default_webhook_url(DEFAULT_SUBDOMAIN),
            signature_token=new_signature_token(),
        )
    return account


def create_user(account, email, name, role, password=None):
    return SandboxUser.objects.create(
        account=account,
        email=email,
        name=name,
        role=role,
        password=_hash_password(password or DEFAULT_PASSWORD),
    )


def authenticate(email, password):
    user = SandboxUser.objects.select_related("account").filter(email__iexact=email).first()
    if user is not None and check_password(password, user.password):
        return user
    return None


def default_webhook_url(subdomain):
    return f"{settings.SITE_URL}{WEBHOOK_PATH}{subdomain}"


def new_signature_token():
    return secrets.token_urlsafe(24)


def hired_reason(account):
    return account.archive_reasons.filter(type=ArchiveReason.Type.HIRED).first()


def first_stage(account):
    return account.stages.order_by("position").first()


# --- The registered OAuth app -------------------------------------------------------------------


def get_oauth_app(client_id):
    """The app registered under client_id, or None. The product's app (LEVER_CLIENT_ID) is
    registered on first use, with LEVER_CLIENT_SECRET and the product's callback URL."""
    if client_id and client_id == settings.LEVER_CLIENT_ID:
        callback = settings.SITE_URL + CALLBACK_PATH
        app, _ = OAuthApp.objects.get_or_create(
            client_id=client_id,
            defaults={
                "client_secret_hash": hash_secret(settings.LEVER_CLIENT_SECRET),
                "redirect_uris": callback,
            },
        )
        register_redirect_uri(app, callback)  # SITE_URL may have changed since.
        return app
    return OAuthApp.objects.filter(client_id=client_id).first() if client_id else None


def check_client_secret(app, client_secret):
    # The product's secret is read from settings each time, so changing it needs no migration.
    expected = (
        hash_secret(settings.LEVER_CLIENT_SECRET)
        if app.client_id == settings.LEVER_CLIENT_ID
        else app.client_secret_hash
    )
    return secrets.compare_digest(hash_secret(client_secret or ""), expected)


def register_redirect_uri(app, redirect_uri):
    """Add a callback URL to an app (for tests running the product on another host)."""
    if redirect_uri not in app.redirect_uri_list():
        app.redirect_uris = "\n".join([*app.redirect_uri_list(), redirect_uri])
        app.save(update_fields=["redirect_uris"])


def is_registered_redirect_uri(app, redirect_uri):
    """Exact match, as Lever requires; a loopback URL may differ in its port only."""
    given = urlsplit(redirect_uri)
    for registered in app.redirect_uri_list():
        if redirect_uri == registered:
            return True
        known = urlsplit(registered)
        if (
            given.hostname in LOOPBACK_HOSTS
            and known.hostname in LOOPBACK_HOSTS
            and given.scheme == known.scheme
            and given.path == known.path
            and not given.query
            and not given.fragment
        ):
            return True
    return False


def hash_secret(value):
    return hashlib.sha256(value.encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _hash_password(password):
    # Hashing is deliberately slow; the same few sandbox passwords are hashed once per process.
    return make_password(password)
