"""The whole product over real HTTP, with the Lever sandbox playing Lever and a real worker.

An administrator's browser (a requests session) adds the Details, presses OK, logs in to the
sandbox and Accepts; a candidate marked Hired in the sandbox becomes a Person, Employment Details
and a New Starter task through the real webhook, the real `db_worker` and real API calls. Then
access is revoked in the sandbox: the next hire fails with `revoked` and an error entry, and
after re-authorising, Retry finishes it.
"""

import logging
import re
from html import unescape

import pytest
import requests

from hr.models import EmploymentDetails, Person, Task
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery
from lever_sandbox import oauth as sandbox_oauth
from lever_sandbox.accounts import DEFAULT_ADMIN_EMAIL, DEFAULT_PASSWORD, get_default_account
from lever_sandbox.candidates import create_candidate, mark_hired
from lever_sandbox.models import OAuthApp
from tests.conftest import PASSWORD
from tests.processes import process_env, start_worker, stop, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_picklists"),
]

TIMEOUT = 10
SUBDOMAIN = "CezanneHR"


@pytest.fixture
def lever_urls(live_server, settings):
    """Point the product at the sandbox inside the live server, in this process and the worker."""
    urls = {
        "LEVER_AUTH_URL": f"{live_server.url}/lever-sandbox",
        "LEVER_API_URL": f"{live_server.url}/lever-sandbox/v1",
        "LEVER_AUDIENCE": f"{live_server.url}/lever-sandbox/v1/",
        "SITE_URL": live_server.url,
    }
    for name, value in urls.items():
        setattr(settings, name, value)
    return urls


@pytest.fixture
def worker(lever_urls):
    process = start_worker(process_env(**lever_urls))
    yield process
    stop(process)


@pytest.fixture
def sandbox_account(live_server):
    account = get_default_account()
    account.webhook.url = f"{live_server.url}/cezannehr/api/v4/Lever/webhook/{SUBDOMAIN}"
    account.webhook.save()
    return account


def form_post(browser, url, data):
    """A form post as a browser sends it, with Django's CSRF token from the cookie."""
    data = {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    return browser.post(url, data=data, headers={"Referer": url}, timeout=TIMEOUT)


def admin_login(browser, base, username):
    browser.get(f"{base}/admin/login/", timeout=TIMEOUT)
    page = form_post(
        browser,
        f"{base}/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "next": "/admin/"},
    )
    assert "Log out" in page.text


def authorise_in_sandbox(browser, authorise_page):
    """Press OK on the confirmation page, log in to the sandbox if asked, Accept; return the
    page the browser ends on."""
    ok_link = re.search(r'href="([^"]+)"[^>]*id="lever-authorise-ok"', authorise_page.text)
    assert ok_link, "no OK button on the confirmation page"
    base = authorise_page.url.split("/admin/")[0]
    consent_page = browser.get(base + unescape(ok_link.group(1)), timeout=TIMEOUT)
    if "/lever-sandbox/login" in consent_page.url:  # not yet logged in to Lever
        consent_page = form_post(
            browser,
            consent_page.url,
            {"email": DEFAULT_ADMIN_EMAIL, "password": DEFAULT_PASSWORD},
        )
    assert "/lever-sandbox/authorize" in consent_page.url
    assert "Accept" in consent_page.text
    return form_post(browser, consent_page.url, {"decision": "accept"})


def test_connect_hire_revoke_and_recover_over_real_http(
    live_server,
    lever_urls,
    sandbox_account,
    worker,
    caplog,
    settings,
    alice,
    bob,
    company,
    new_starter_process,
):
    caplog.set_level(logging.DEBUG)
    base = live_server.url
    browser = requests.Session()
    admin_login(browser, base, "alice")

    # Details screen: Add, Save -> the redirect pop-up -> OK -> Lever login -> Accept.
    add_url = f"{base}/admin/integrations/integrationconfig/add/"
    browser.get(add_url, timeout=TIMEOUT)
    confirmation = form_post(
        browser,
        add_url,
        {
            "subdomain": SUBDOMAIN,
            "signature_token": sandbox_account.webhook.signature_token,
            "new_hire_administrator": bob.pk,
            "default_company": company.pk,
            "is_enabled": "on",
            "_save": "Save",
        },
    )
    assert "authorise" in confirmation.text.lower()
    details = authorise_in_sandbox(browser, confirmation)
    assert "/admin/integrations/integrationconfig/" in details.url
    config = IntegrationConfig.objects.get(subdomain=SUBDOMAIN)
    assert config.status == IntegrationConfig.Status.AUTHORISED
    assert config.lever_account_id == str(sandbox_account.pk)
    assert config.authorised_by == alice

    # A hire in Lever becomes the three HR records, through the webhook and the worker.
    anna = create_candidate(
        sandbox_account,
        "Anna van der Berg",
        emails=["anna@example.com", "anna.private@example.com"],
        phones=[{"type": "mobile", "value": "+44 7700 900123"}, {"type": "home", "value": "0161"}],
    )
    sent = mark_hired(anna)
    assert sent.status_code == 200, sent.response_body
    assert wait_for(lambda: Task.objects.filter(status=Task.Status.OPEN).exists(), timeout=30)
    person = Person.objects.get()
    assert (person.first_name, person.surname) == ("Anna", "van der Berg")
    assert person.external_email == "anna@example.com"
    assert (person.mobile_number, person.home_number) == ("+44 7700 900123", "0161")
    assert EmploymentDetails.objects.get(person=person).company == company
    assert Task.objects.get(person=person).assigned_to == bob
    assert LogEntry.objects.filter(
        level=LogEntry.Level.INFO, person=person, message__contains="New Hire Process"
    ).exists()

    # Revoke Access in Lever: the next hire fails, the config shows it, the Log says what to do.
    sandbox_oauth.revoke_app(sandbox_account, OAuthApp.objects.get())
    ben = create_candidate(sandbox_account, "Ben Okafor", emails=["ben@example.com"])
    assert mark_hired(ben).status_code == 200

    def failed():
        return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).exists()

    assert wait_for(failed, timeout=30)
    config.refresh_from_db()
    assert config.status == IntegrationConfig.Status.REVOKED
    assert config.access_token == "" and config.refresh_token == ""
    revoked_entry = LogEntry.objects.filter(level=LogEntry.Level.ERROR).first()
    assert "authoris" in revoked_entry.message.lower()
    assert Person.objects.count() == 1

    # Re-authorise from the Details screen, then Retry the failed delivery: Ben arrives.
    change_page = browser.get(
        f"{base}/admin/integrations/integrationconfig/{config.pk}/change/", timeout=TIMEOUT
    )
    assert "Access revoked" in change_page.text
    reauthorise = browser.get(
        f"{base}/admin/integrations/integrationconfig/{config.pk}/authorise/", timeout=TIMEOUT
    )
    authorise_in_sandbox(browser, reauthorise)
    config.refresh_from_db()
    assert config.status == IntegrationConfig.Status.AUTHORISED

    from integrations.hiring import retry_delivery

    assert retry_delivery(WebhookDelivery.objects.get(status="failed"), requested_by=alice)
    assert wait_for(lambda: Person.objects.count() == 2, timeout=30)
    assert wait_for(lambda: Task.objects.filter(status="open").count() == 2, timeout=30)
    assert EmploymentDetails.objects.count() == 2

    # No secret in clear: not in anything logged here or by the worker, not in our tables.
    config.refresh_from_db()
    secrets = [
        sandbox_account.webhook.signature_token,
        config.access_token,
        config.refresh_token,
        settings.LEVER_CLIENT_SECRET,
    ]
    assert all(secrets)
    logged = caplog.text + stop(worker)
    stored = product_database_text()
    for secret in secrets:
        assert secret not in logged
        assert secret not in stored


def product_database_text():
    """Every value in the product's own tables (the sandbox's are Lever's), as one string."""
    from django.apps import apps
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label == "lever_sandbox":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)
