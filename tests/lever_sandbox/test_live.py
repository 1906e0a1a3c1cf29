"""The sandbox over real HTTP, as the product's worker and an administrator's browser meet it."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings

from lever_sandbox.accounts import get_default_account
from lever_sandbox.candidates import create_candidate
from lever_sandbox.models import Grant, WebhookRequest
from lever_sandbox.testing import DEFAULT_SCOPE

TIMEOUT = 10


@pytest.fixture
def receiver():
    """A stand-in for the product's webhook endpoint on a free port, recording what arrives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append({"headers": dict(self.headers), "body": self.rfile.read(length)})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield (
        f"http://127.0.0.1:{server.server_port}/cezannehr/api/v4/Lever/webhook/CezanneHR",
        received,
    )
    server.shutdown()
    server.server_close()


def post_form(browser, url, data):
    """A browser form post: the CSRF token from the cookie, as Django's templates embed it."""
    data = {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    return browser.post(url, data=data, allow_redirects=False, timeout=TIMEOUT)


def test_oauth_api_and_hire_webhook_over_http(live_server, receiver):
    base = f"{live_server.url}/lever-sandbox"
    receiver_url, received = receiver
    account = get_default_account()
    account.webhook.url = receiver_url
    account.webhook.save()
    candidate = create_candidate(
        account,
        "Anna van der Berg",
        emails=["anna@example.com"],
        phones=[{"type": "mobile", "value": "+44 7700 900123"}],
    )

    # An administrator's browser: authorise, log in, accept.
    callback = f"{live_server.url}/cezannehr/api/v4/Lever/oauth/callback"
    authorize = f"{base}/authorize?" + urlencode(
        {
            "client_id": settings.LEVER_CLIENT_ID,
            "redirect_uri": callback,
            "response_type": "code",
            "state": "s1",
            "audience": settings.LEVER_AUDIENCE,
            "scope": DEFAULT_SCOPE,
            "prompt": "consent",
        }
    )
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=TIMEOUT)
    assert to_login.status_code == 302
    login_page = browser.get(base + "/login", timeout=TIMEOUT)
    assert "admin@sandbox.lever" in login_page.text
    next_path = parse_qs(urlsplit(to_login.headers["Location"]).query)["next"][0]
    logged_in = post_form(
        browser,
        base + "/login",
        {"email": "admin@sandbox.lever", "password": "sandbox-password", "next": next_path},
    )
    assert logged_in.status_code == 302
    consent = browser.get(authorize, timeout=TIMEOUT)
    assert "Read opportunities" in consent.text
    accepted = post_form(browser, authorize, {"decision": "accept"})
    back = parse_qs(urlsplit(accepted.headers["Location"]).query)
    assert accepted.headers["Location"].startswith(callback) and back["state"] == ["s1"]

    # The product's server: exchange the code, refresh, call the API.
    token_url = f"{base}/oauth/token"
    client = {"client_id": settings.LEVER_CLIENT_ID, "client_secret": settings.LEVER_CLIENT_SECRET}
    first = requests.post(
        token_url,
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": callback,
            **client,
        },
        timeout=TIMEOUT,
    ).json()
    second = requests.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **client},
        timeout=TIMEOUT,
    ).json()
    api = requests.get(
        f"{base}/v1/opportunities/{candidate.pk}",
        headers={"Authorization": f"Bearer {second['access_token']}"},
        timeout=TIMEOUT,
    )
    assert api.status_code == 200
    assert api.json()["data"]["phones"] == [{"type": "mobile", "value": "+44 7700 900123"}]
    assert Grant.objects.get().token_calls == 2

    # The recruiter marks the candidate Hired: a signed webhook reaches the receiver.
    hired = post_form(browser, f"{base}/candidates/{candidate.pk}/hire", {})
    assert hired.status_code == 302
    assert len(received) == 1
    arrived = received[0]
    assert arrived["headers"]["User-Agent"] == "Lever-Webhooks"
    assert arrived["headers"]["Content-Type"] == "application/json"
    body = json.loads(arrived["body"])
    account.webhook.refresh_from_db()
    expected = hmac.new(
        account.webhook.signature_token.encode(),
        f"{body['token']}{body['triggeredAt']}".encode(),
        hashlib.sha256,
    ).hexdigest()
    assert body["signature"] == expected
    assert body["data"]["opportunityId"] == str(candidate.pk)
    delivery = WebhookRequest.objects.get()
    assert delivery.status_code == 200 and delivery.response_body == '{"ok": true}'

    # Revoke Access in the browser: refresh fails with invalid_grant, the API with 401.
    app_id = Grant.objects.get().app_id
    post_form(browser, f"{base}/settings/authorized-apps/{app_id}/revoke", {})
    refused = requests.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"], **client},
        timeout=TIMEOUT,
    )
    assert refused.status_code == 403 and refused.json()["error"] == "invalid_grant"
    api = requests.get(
        f"{base}/v1/opportunities/{candidate.pk}",
        headers={"Authorization": f"Bearer {second['access_token']}"},
        timeout=TIMEOUT,
    )
    assert api.status_code == 401 and api.json()["code"] == "UnauthorizedError"


def test_rate_limit_holds_under_concurrent_requests(live_server):
    """The bucket is in the database: parallel requests can't spend the same token twice."""
    from concurrent.futures import ThreadPoolExecutor

    from lever_sandbox.testing import issue_tokens

    account = get_default_account()
    account.rate_limit_per_second = 0.001  # No refill during the test: exactly the burst passes.
    account.save()
    candidate = create_candidate(account, "Anna")
    headers = {"Authorization": f"Bearer {issue_tokens().access_token}"}
    url = f"{live_server.url}/lever-sandbox/v1/opportunities/{candidate.pk}"
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(
                lambda _: requests.get(url, headers=headers, timeout=30).status_code, range(30)
            )
        )
    assert statuses.count(200) == 20 and statuses.count(429) == 10


def test_two_refreshes_at_once_revoke_the_grant(live_server):
    """What Auth0 does to a client that refreshes twice at once: one wins, then the grant dies."""
    from concurrent.futures import ThreadPoolExecutor

    from lever_sandbox.testing import issue_tokens

    tokens = issue_tokens()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens.refresh_token,
        "client_id": settings.LEVER_CLIENT_ID,
        "client_secret": settings.LEVER_CLIENT_SECRET,
    }
    url = f"{live_server.url}/lever-sandbox/oauth/token"
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: requests.post(url, data=form, timeout=30), range(2)))
    assert sorted(a.status_code for a in answers) == [200, 403]
    grant = Grant.objects.get()
    assert not grant.is_active and grant.refresh_calls == 2
