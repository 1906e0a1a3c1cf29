"""Connecting and disconnecting a Lever account: the business rules behind the Details screen
and the OAuth views. Each change to a config's authorisation also writes the Log."""

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from integrations import log
from integrations.lever import oauth
from integrations.models import IntegrationConfig

MANAGE_PERMISSION = "integrations.manage_lever_integration"
WEBHOOK_PATH_PREFIX = "/cezannehr/api/v4/Lever/webhook/"


def can_manage(user):
    """Who may see, add, change, authorise and disable Lever integrations (SPEC section 4)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm(MANAGE_PERMISSION))
    )


def webhook_url(config):
    """The URL to paste into Lever's Candidate Hired webhook, absolute.

    Reversed from the `lever-webhook` URL when it is installed; the fixed path (SPEC section 6)
    otherwise, so the Details screen shows the right address in every deployment.
    """
    try:
        path = config.webhook_path()
    except NoReverseMatch:
        path = WEBHOOK_PATH_PREFIX + config.subdomain
    return settings.SITE_URL + path


def record_authorisation(config, tokens, user):
    """Store the tokens from a completed OAuth exchange and mark the config authorised."""
    with transaction.atomic():
        locked = IntegrationConfig.objects.select_for_update().get(pk=config.pk)
        previous_account = locked.lever_account_id
        locked.access_token = tokens.access_token
        locked.refresh_token = tokens.refresh_token
        locked.token_expires_at = tokens.expires_at
        locked.lever_account_id = tokens.account_id
        locked.status = IntegrationConfig.Status.AUTHORISED
        locked.authorised_at = timezone.now()
        locked.authorised_by = user
        locked.save()
        who = user.get_full_name() or user.get_username()
        log.info(
            locked,
            f"{who} authorised the connection to Lever for {locked.subdomain}"
            + (f" (Lever account {locked.lever_account_id})" if locked.lever_account_id else "")
            + ". Candidates marked Hired in Lever will now be created here"
            + ("." if locked.is_enabled else " once the integration is enabled on this screen."),
        )
        if previous_account and locked.lever_account_id not in ("", previous_account):
            log.warning(
                locked,
                f"The connection for {locked.subdomain} now uses Lever account "
                f"{locked.lever_account_id} instead of {previous_account}. If this was not "
                "intended, authorise again while signed in to the right Lever account.",
            )
    return locked


def disable(config, user):
    """Stop processing hires for this config and forget its tokens."""
    with transaction.atomic():
        locked = IntegrationConfig.objects.select_for_update().get(pk=config.pk)
        oauth.clear_tokens(locked)
        locked.is_enabled = False
        locked.status = IntegrationConfig.Status.DISABLED
        locked.save()
        who = user.get_full_name() or user.get_username()
        log.warning(
            locked,
            f"{who} disabled the Lever integration for {locked.subdomain}: hires marked in Lever "
            "are no longer processed and the access tokens were erased. To remove this app's "
            "access in Lever too, go to Settings > Integrations and API > Authorized Apps in "
            "Lever and click Revoke Access. To connect again, enable it on the Details screen "
            "and authorise.",
        )
    return locked
