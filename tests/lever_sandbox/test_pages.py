"""The sandbox's Lever pages: every page needs a sandbox login, every form is CSRF protected."""

import pytest
from django.core.management import call_command
from django.test import Client

from lever_sandbox import oauth
from lever_sandbox.candidates import create_candidate
from lever_sandbox.models import Candidate, Grant
from lever_sandbox.testing import issue_tokens, log_in

PAGES = [
    "/lever-sandbox/candidates/",
    "/lever-sandbox/candidates/new",
    "/lever-sandbox/settings/webhooks",
    "/lever-sandbox/settings/authorized-apps",
    "/lever-sandbox/settings/account",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_sandbox_login(account, path, alice):
    browser = Client()
    browser.force_login(alice)  # The product's superuser is nobody in "Lever".
    response = browser.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/lever-sandbox/login?next=")


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_branded(lever_client, path):
    response = lever_client.get(path)
    assert response.status_code == 200
    assert "Lever sandbox" in response.content.decode()


def test_home_redirects_to_candidates(lever_client):
    assert lever_client.get("/lever-sandbox/")["Location"] == "/lever-sandbox/candidates/"


def test_create_candidate_with_emails_and_typed_phones(lever_client, account):
    form = {
        "name": "  José María Álvarez  ",
        "headline": "HR Advisor",
        "location": "Madrid",
        "emails": "jose@example.com\n\n jose@example.net \n",
        "stage": str(account.stages.get(text="Phone screen").pk),
        "origin": "applied",
        "tags": "spanish, hr",
        "sources": "Referral",
        "phones-TOTAL_FORMS": "6",
        "phones-INITIAL_FORMS": "0",
        "phones-0-type": "mobile",
        "phones-0-value": "+34 600 000 001",
        "phones-1-type": "home",
        "phones-1-value": "+34 910 000 002",
        "phones-2-type": "work",
        "phones-2-value": "+34 910 000 003",
        "phones-3-type": "skype",
        "phones-3-value": "jose.alvarez",
        "phones-4-type": "none",
        "phones-4-value": "555",
        "phones-5-type": "other",
        "phones-5-value": "",
    }
    response = lever_client.post("/lever-sandbox/candidates/new", form)
    candidate = Candidate.objects.get()
    assert response["Location"] == f"/lever-sandbox/candidates/{candidate.pk}/"
    assert candidate.name == "José María Álvarez"
    assert candidate.emails == ["jose@example.com", "jose@example.net"]
    assert candidate.phones == [
        {"type": "mobile", "value": "+34 600 000 001"},
        {"type": "home", "value": "+34 910 000 002"},
        {"type": "work", "value": "+34 910 000 003"},
        {"type": "skype", "value": "jose.alvarez"},
        {"type": None, "value": "555"},
    ]
    assert candidate.stage.text == "Phone screen"
    assert candidate.tags == ["spanish", "hr"] and candidate.origin == "applied"
    listing = lever_client.get("/lever-sandbox/candidates/").content.decode()
    assert "José María Álvarez" in listing and "jose@example.com" in listing


def test_create_candidate_rejects_bad_input(lever_client, account):
    form = {
        "name": "   ",
        "emails": "not-an-email",
        "stage": str(account.stages.first().pk),
        "origin": "sourced",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
    }
    response = lever_client.post("/lever-sandbox/candidates/new", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required" in html and "valid email" in html
    assert not Candidate.objects.exists()


def test_candidate_detail_shows_stage_actions_and_api_json(lever_client, account):
    candidate = create_candidate(
        account, "Anna van der Berg", phones=[{"type": "skype", "value": "anna.vdb"}]
    )
    html = lever_client.get(f"/lever-sandbox/candidates/{candidate.pk}/").content.decode()
    for text in ["New lead", "Mark Hired", "Move to stage", "Archive as not hired", "anna.vdb"]:
        assert text in html
    assert str(candidate.contact) in html
    assert "&#x27;isAnonymized&#x27;: False" in html


def test_move_to_stage_unarchives(lever_client, account):
    candidate = create_candidate(account, "Anna")
    candidate.archive_reason = account.archive_reasons.get(text="Hired")
    candidate.archived_at = candidate.created_at
    candidate.save()
    offer = account.stages.get(text="Offer")
    lever_client.post(f"/lever-sandbox/candidates/{candidate.pk}/stage", {"stage": offer.pk})
    candidate.refresh_from_db()
    assert candidate.stage == offer and candidate.archived_at is None
    assert candidate.archive_reason is None


def test_archive_as_not_hired_only_takes_non_hired_reasons(lever_client, account):
    candidate = create_candidate(account, "Anna")
    hired = account.archive_reasons.get(text="Hired")
    lever_client.post(f"/lever-sandbox/candidates/{candidate.pk}/archive", {"reason": hired.pk})
    candidate.refresh_from_db()
    assert candidate.archived_at is None
    filled = account.archive_reasons.get(text="Position filled")
    lever_client.post(f"/lever-sandbox/candidates/{candidate.pk}/archive", {"reason": filled.pk})
    candidate.refresh_from_db()
    assert candidate.archive_reason == filled and not candidate.is_hired


def test_candidate_of_another_account_is_404(lever_client):
    from lever_sandbox.accounts import create_account

    other = create_account("Other Co", admin_email="admin@other.lever")
    theirs = create_candidate(other, "Theirs")
    assert lever_client.get(f"/lever-sandbox/candidates/{theirs.pk}/").status_code == 404
    assert lever_client.post(f"/lever-sandbox/candidates/{theirs.pk}/hire").status_code == 404


def test_webhook_settings_are_editable(lever_client, account):
    url = "http://127.0.0.1:8000/cezannehr/api/v4/Lever/webhook/AcmeHR"
    response = lever_client.post("/lever-sandbox/settings/webhooks", {"url": url})
    assert response.status_code == 302
    account.webhook.refresh_from_db()
    assert account.webhook.url == url and not account.webhook.is_enabled
    bad = lever_client.post("/lever-sandbox/settings/webhooks", {"url": "not a url"})
    assert bad.status_code == 200 and "Enter a valid URL" in bad.content.decode()


def test_the_webhook_url_field_is_wide_enough_to_read(lever_client, account):
    page = lever_client.get("/lever-sandbox/settings/webhooks").content.decode()

    assert 'type="url" name="url"' in page and 'size="70"' in page


def test_verify_without_url_says_so(lever_client, account):
    account.webhook.url = ""
    account.webhook.save()
    response = lever_client.post("/lever-sandbox/settings/webhooks/verify", follow=True)
    assert "Enter a webhook URL first" in response.content.decode()


def test_authorized_apps_lists_and_revokes(lever_client, account):
    tokens = issue_tokens()
    page = lever_client.get("/lever-sandbox/settings/authorized-apps").content.decode()
    assert "cezanne-lever HR" in page and "Revoke Access" in page and "Authorized" in page
    app = Grant.objects.get().app
    response = lever_client.post(
        f"/lever-sandbox/settings/authorized-apps/{app.pk}/revoke", follow=True
    )
    assert "Access revoked" in response.content.decode()
    assert not Grant.objects.get().is_active
    assert (
        Client()
        .post(
            "/lever-sandbox/oauth/token",
            {
                "grant_type": "refresh_token",
                "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret",
                "refresh_token": tokens.refresh_token,
            },
        )
        .json()["error"]
        == "invalid_grant"
    )


def test_only_a_super_admin_can_revoke(account):
    issue_tokens()
    browser = Client()
    log_in(browser, email="recruiter@sandbox.lever")
    app = Grant.objects.get().app
    browser.post(f"/lever-sandbox/settings/authorized-apps/{app.pk}/revoke")
    assert Grant.objects.get().is_active


def test_revoking_an_app_never_authorised_here_is_404(lever_client, account):
    from lever_sandbox.accounts import create_account

    other = create_account("Other Co", admin_email="admin@other.lever")
    issue_tokens(account=other)
    app = Grant.objects.get().app
    assert (
        lever_client.post(f"/lever-sandbox/settings/authorized-apps/{app.pk}/revoke").status_code
        == 404
    )
    assert Grant.objects.get().is_active


def test_account_settings_save_and_validate(lever_client, account):
    form = {
        "name": "Sandbox Co",
        "access_token_lifetime_seconds": "60",
        "rate_limit_per_second": "5",
        "rate_limit_burst": "10",
        "latency_ms": "0",
        "fault_rate": "0.25",
        "fault_status": "503",
    }
    assert lever_client.post("/lever-sandbox/settings/account", form).status_code == 302
    account.refresh_from_db()
    assert (account.access_token_lifetime_seconds, account.fault_rate) == (60, 0.25)
    bad = lever_client.post("/lever-sandbox/settings/account", {**form, "fault_rate": "2"})
    assert "between 0 and 1" in bad.content.decode()


def test_forms_are_csrf_protected(account):
    browser = Client(enforce_csrf_checks=True)
    log_in(browser)
    candidate = create_candidate(account, "Anna")
    assert browser.post(f"/lever-sandbox/candidates/{candidate.pk}/hire").status_code == 403
    assert browser.post("/lever-sandbox/settings/webhooks/regenerate-token").status_code == 403
    assert browser.post("/lever-sandbox/login", {"email": "x", "password": "y"}).status_code == 403


def test_consent_revoked_grant_is_shown_in_history(lever_client, account):
    issue_tokens()
    grant = Grant.objects.get()
    oauth.revoke_app(account, grant.app)
    page = lever_client.get("/lever-sandbox/settings/authorized-apps").content.decode()
    assert "access revoked by a Super Admin" in page and "Revoked" in page


def test_sandbox_demo_command_is_idempotent(db, capsys):
    call_command("sandbox_demo")
    call_command("sandbox_demo")
    names = set(Candidate.objects.values_list("name", flat=True))
    assert "Anna van der Berg" in names and "Cher" in names
    assert Candidate.objects.count() == 4
    assert "admin@sandbox.lever" in capsys.readouterr().out


def test_authorized_apps_counts_only_this_accounts_grants(lever_client, account):
    from lever_sandbox.accounts import create_account

    other = create_account("Other Co", admin_email="admin@other.lever")
    issue_tokens(account=other)
    issue_tokens(account=other)
    issue_tokens()
    page = lever_client.get("/lever-sandbox/settings/authorized-apps")
    (app,) = page.context["apps"]
    assert (app.active_grants, app.token_calls) == (1, 1)
    assert len(page.context["grants"]) == 1
