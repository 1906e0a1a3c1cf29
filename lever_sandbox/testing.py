"""Helpers for tests (of the sandbox and of the product) that drive the sandbox like a person would.

log_in(client)                        as the default Super Admin, on a Django test client
redirect = consent(client, url)       GET the authorise URL and press Accept (or Deny)
tokens = issue_tokens()               a fresh grant without the browser dance
"""

from urllib.parse import urlsplit

from django.conf import settings

from lever_sandbox import accounts, oauth, session
from lever_sandbox.models import SandboxUser

DEFAULT_SCOPE = "offline_access opportunities:read:admin archive_reasons:read:admin"


def log_in(client, email=accounts.DEFAULT_ADMIN_EMAIL):
    """Log a Django test client in to the sandbox as a sandbox user (no password: hashing is
    slow, and the login form has tests of its own)."""
    accounts.get_default_account()
    user = SandboxUser.objects.get(email=email)
    django_session = client.session
    django_session[session.SESSION_KEY] = str(user.pk)
    django_session.save()
    return user


def consent(client, authorize_url, decision="accept", email=accounts.DEFAULT_ADMIN_EMAIL):
    """Show the consent page for an /authorize URL (absolute or not) and answer it, logging the
    client in first if the sandbox asks for a login. Returns where the sandbox sends the browser
    back to (the app's callback with `code` or `error`, and `state`)."""
    parts = urlsplit(authorize_url)
    path = f"{parts.path}?{parts.query}"
    page = client.get(path)
    if page.status_code == 302 and "/lever-sandbox/login" in page["Location"]:
        log_in(client, email)
        page = client.get(path)
    if page.status_code == 302:  # The sandbox refused the request and sent an error back.
        return page["Location"]
    assert page.status_code == 200, f"no consent page: {page.status_code}"
    answer = client.post(path, {"decision": decision})
    assert answer.status_code == 302, f"consent was not answered: {answer.status_code}"
    return answer["Location"]


def issue_tokens(
    scope=DEFAULT_SCOPE, account=None, redirect_uri=None, client_id=None
) -> oauth.TokenSet:
    """Authorise the product's app on an account (the default one) and exchange the code."""
    account = account or accounts.get_default_account()
    app = accounts.get_oauth_app(client_id or settings.LEVER_CLIENT_ID)
    redirect_uri = redirect_uri or app.redirect_uri_list()[0]
    user = account.users.filter(role=SandboxUser.Role.SUPER_ADMIN).first()
    code = oauth.issue_code(
        account=account, app=app, user=user, redirect_uri=redirect_uri, scope=scope
    )
    return oauth.exchange_code(app=app, code=code, redirect_uri=redirect_uri)
