"""`/authorize` (login, then consent) and `/oauth/token`, answering as Lever's Auth0 tenant does."""

import base64
import binascii
import json
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lever_sandbox import accounts, oauth, session


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request):
    params = request.GET
    accounts.get_default_account()  # So that the login page has someone to log in.
    app = accounts.get_oauth_app(params.get("client_id", ""))
    if app is None:
        return _error_page(request, "Unknown client", "No app is registered with this client_id.")
    redirect_uri = params.get("redirect_uri", "")
    if not accounts.is_registered_redirect_uri(app, redirect_uri):
        # Never redirect to an unregistered URL (RFC 6749 4.1.2.1): say so on the page instead.
        return _error_page(
            request,
            "Callback URL mismatch",
            f"The redirect_uri {redirect_uri!r} is not in the app's list of allowed callback URLs.",
        )
    state = params.get("state")

    def back(**answer):
        return _redirect_back(redirect_uri, state, answer)

    if params.get("response_type") != "code":
        return back(
            error="unsupported_response_type",
            error_description="Unsupported response type: only 'code' is supported.",
        )
    audience = params.get("audience", "")
    if audience != settings.LEVER_AUDIENCE:
        return back(error="access_denied", error_description=f"Service not found: {audience}")
    scope = " ".join(params.get("scope", "").split())
    if not scope or oauth.unknown_scopes(scope):
        unknown = ", ".join(oauth.unknown_scopes(scope)) or "(none requested)"
        return back(error="invalid_scope", error_description=f"Unknown scope: {unknown}")

    user = session.current_user(request)
    if user is None:
        return HttpResponseRedirect(session.login_url(request.get_full_path()))
    request.sandbox_user = user  # For the page header.

    if request.method == "POST":
        return _decide(request, back, app=app, user=user, redirect_uri=redirect_uri, scope=scope)
    return render(
        request,
        "lever_sandbox/consent.html",
        {
            "app": app,
            "user": user,
            "permissions": [(s, oauth.SCOPE_DESCRIPTIONS[s]) for s in scope.split()],
            "switch_user_url": session.login_url(request.get_full_path()),
        },
    )


def _decide(request, back, *, app, user, redirect_uri, scope):
    if request.POST.get("decision") != "accept":
        return back(error="access_denied", error_description="User did not authorize the request")
    if not user.is_super_admin:
        return back(
            error="access_denied",
            error_description="Only a Super Admin can authorize apps for this account.",
        )
    code = oauth.issue_code(
        account=user.account, app=app, user=user, redirect_uri=redirect_uri, scope=scope
    )
    return back(code=code)


def _redirect_back(redirect_uri, state, answer):
    if state is not None:
        answer["state"] = state
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(answer)}")


def _error_page(request, title, message):
    return render(
        request, "lever_sandbox/oauth_error.html", {"title": title, "message": message}, status=400
    )


# --- Token endpoint ----------------------------------------------------------------------------


@csrf_exempt
@require_POST
def token(request):
    form = _token_request_fields(request)
    client_id, client_secret = _client_credentials(request, form)
    grant_type = form.get("grant_type", "")
    try:
        if not grant_type:
            raise _invalid_request("Missing required parameter: grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise oauth.OAuthError(
                "unsupported_grant_type", f"Unsupported grant type: {grant_type}", 400
            )
        app = accounts.get_oauth_app(client_id)
        if app is None or not accounts.check_client_secret(app, client_secret):
            raise oauth.OAuthError("invalid_client", "Client authentication failed.", 401)
        if grant_type == "authorization_code":
            for name in ("code", "redirect_uri"):
                if not form.get(name):
                    raise _invalid_request(f"Missing required parameter: {name}")
            tokens = oauth.exchange_code(
                app=app, code=form["code"], redirect_uri=form["redirect_uri"]
            )
        else:
            if not form.get("refresh_token"):
                raise _invalid_request("Missing required parameter: refresh_token")
            tokens = oauth.refresh(app=app, refresh_token=form["refresh_token"])
    except oauth.OAuthError as error:
        return _no_store(
            JsonResponse(
                {"error": error.code, "error_description": error.description}, status=error.status
            )
        )
    return _no_store(JsonResponse(tokens.as_json()))


def _invalid_request(description):
    return oauth.OAuthError("invalid_request", description, 400)


def _token_request_fields(request):
    # Form-encoded as Lever documents; Auth0 also accepts JSON.
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        if not isinstance(body, dict):
            return {}
        return {k: v for k, v in body.items() if isinstance(v, str)}
    return request.POST.dict()


def _client_credentials(request, form):
    """client_secret_post, or HTTP Basic (client_secret_basic)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
            client_id, _, client_secret = decoded.partition(":")
            return unquote(client_id), unquote(client_secret)
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return form.get("client_id", ""), form.get("client_secret", "")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
