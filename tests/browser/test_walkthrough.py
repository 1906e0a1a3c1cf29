"""The whole flow in a real browser, as the people involved click through it (docs/walkthrough.md).

alice connects Lever on the Details screen (signature token copied from Lever's Webhooks page,
bob as New Hire Administrator, OAuth through Lever's login and consent pages); a recruiter adds a
candidate in Lever and marks them Hired; the signed webhook reaches the live server, a real
db_worker fetches the candidate from Lever; alice sees the Person, the Employment Details and the
Log entry, and bob finds the New Starter task in *My tasks* and completes it.

Every step is asserted on what the page shows and saved as a screenshot (docs/screenshots/ with
UPDATE_SCREENSHOTS=1). Lever is the sandbox served by the same live server.
"""

import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from hr.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_picklists"),
]

SUBDOMAIN = "CezanneHR"
SANDBOX_ADMIN = ("admin@sandbox.lever", "sandbox-password")
CANDIDATE = "Anna van der Berg"
# How long a hire may take from Mark Hired to the records being on screen.
HIRE_TIMEOUT_SECONDS = 20


def expect_text(page, text):
    """The page shows `text` (waits for it, bounded by the context's step timeout)."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def reload_until(page, text, timeout_seconds=HIRE_TIMEOUT_SECONDS):
    """Reload the page until it shows `text`, as a person waiting for a hire would."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        if page.get_by_text(text, exact=False).count():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{page.url} did not show {text!r} within {timeout_seconds} s")
        time.sleep(0.3)
        page.reload()


def admin_log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect_text(page, "Welcome,")


def pick_autocomplete(page, field, search, choice):
    """Open the admin's select2 widget for `field`, type, and click the offered choice."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=choice).click()
    chosen = page.locator(f".field-{field} .select2-selection__rendered").inner_text()
    assert choice in chosen, chosen


@pytest.fixture
def demo_data(transactional_db):
    """alice, bob, CEZ-UK and the New Starter processes, as `make run` loads them."""
    call_command("seed_demo", verbosity=0)


# demo_data comes before the browser: once Playwright runs, this thread must not touch the
# database (the live server's threads and the worker do).
def test_connect_lever_and_receive_a_hire(
    demo_data, live_server, lever_urls, worker, new_window, screenshots
):
    base = live_server.url
    sandbox = f"{base}/lever-sandbox"
    shot = screenshots

    # --- alice logs in to the admin -----------------------------------------------------------
    alice = new_window()
    alice.goto(f"{base}/admin/")
    expect_text(alice, "Username")
    shot(alice, "admin-login")
    admin_log_in(alice, base, "alice")

    # --- in Lever, the Webhooks page holds the signature token the Details screen needs -------
    lever = new_window()  # the recruiter's browser, logged in to Lever
    lever.goto(f"{sandbox}/")
    lever.get_by_label("E-mail").fill(SANDBOX_ADMIN[0])
    lever.get_by_label("Password").fill(SANDBOX_ADMIN[1])
    lever.get_by_role("button", name="Log in").click()
    lever.get_by_role("link", name="Webhooks").click()
    token = lever.locator("#signature-token").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token), token
    shot(lever, "lever-webhooks-token")

    # --- Integrations > Lever integrations > Add: the Details screen --------------------------
    alice.get_by_role("link", name="Lever integrations").click()
    alice.get_by_role("link", name="Add Lever integration").click()
    alice.get_by_label("Subdomain").fill(SUBDOMAIN)
    alice.get_by_label("Signature token").fill(token)
    pick_autocomplete(alice, "new_hire_administrator", "bob", "Bob Brown (bob)")
    pick_autocomplete(alice, "default_company", "CEZ", "CEZ-UK")
    shot(alice, "details-add")
    alice.get_by_role("button", name="Save", exact=True).click()

    # --- the confirmation page, then Lever's login and consent pages --------------------------
    expect_text(alice, f"The Lever integration {SUBDOMAIN} was added.")
    expect_text(alice, "Your browser will now go to Lever")
    expect(alice.locator(".submit-row")).to_have_css("display", "flex")  # styled, not bare
    shot(alice, "authorise-confirm")
    alice.get_by_role("link", name="OK", exact=True).click()

    expect_text(alice, "Log in to Lever sandbox")
    assert alice.url.startswith(f"{sandbox}/login")
    alice.get_by_label("E-mail").fill(SANDBOX_ADMIN[0])
    alice.get_by_label("Password").fill(SANDBOX_ADMIN[1])
    shot(alice, "lever-login")
    alice.get_by_role("button", name="Log in").click()

    expect_text(alice, "is requesting access to your Lever account")
    permissions = alice.locator("#permissions").inner_text()
    assert "opportunities:read:admin" in permissions
    assert "archive_reasons:read:admin" in permissions
    shot(alice, "lever-consent")
    alice.get_by_role("button", name="Accept").click()

    # --- back on the Details screen: Authorised -----------------------------------------------
    expect_text(alice, f"Lever is connected for {SUBDOMAIN}.")
    expect(alice.locator(".field-status .readonly")).to_have_text("Authorised")
    expect(alice.locator(".field-authorised_by .readonly")).to_have_text("alice")
    expect(alice.locator(".field-signature_token_state .readonly")).to_have_text("Set")
    webhook_url = alice.locator("#lever-webhook-url").input_value()
    assert webhook_url == f"{base}/cezannehr/api/v4/Lever/webhook/{SUBDOMAIN}"
    shot(alice, "details-authorised")

    # --- in Lever: the webhook URL from the Details screen, then a candidate, Mark Hired ------
    lever.reload()
    lever.get_by_label("Webhook URL").fill(webhook_url)
    lever.get_by_label("Candidate Hired webhook on").check()
    lever.get_by_role("button", name="Save").click()
    expect_text(lever, "Webhook settings saved.")
    expect(lever.get_by_label("Webhook URL")).to_have_value(webhook_url)
    # The whole URL is readable in the field, subdomain included.
    assert lever.get_by_label("Webhook URL").evaluate("e => e.scrollWidth <= e.clientWidth")

    lever.get_by_role("link", name="Candidates").click()
    lever.get_by_role("link", name="Add candidate").click()
    lever.get_by_label("Name").fill(CANDIDATE)
    lever.get_by_label("Headline").fill("Payroll Specialist")
    lever.get_by_label("Emails").fill("anna@example.com\nanna.vdb@example.org")
    phones = [
        ("mobile", "+44 7700 900123"),
        ("home", "+44 20 7946 0018"),
        ("work", "+44 20 7946 0991"),
    ]
    for row, (kind, number) in enumerate(phones):
        lever.locator(f"#id_phones-{row}-type").select_option(kind)
        lever.locator(f"#id_phones-{row}-value").fill(number)
    shot(lever, "lever-add-candidate")
    lever.get_by_role("button", name="Add candidate").click()
    expect_text(lever, f"{CANDIDATE} was added.")

    lever.get_by_role("button", name="Mark Hired").click()
    expect_text(lever, f"{CANDIDATE} is hired. The webhook answered 200.")
    shot(lever, "lever-marked-hired")

    # --- within seconds: the Person, the Employment Details, the Log entry --------------------
    alice.goto(f"{base}/admin/")
    alice.get_by_role("link", name="People").click()
    alice.wait_for_url("**/admin/hr/person/")
    # Room for the lists' columns: fold the admin's navigation sidebar (the admin remembers).
    alice.locator("#toggle-nav-sidebar").click()
    reload_until(alice, CANDIDATE)
    people = alice.locator("#result_list tbody tr")
    expect(people).to_have_count(1)
    expect(people).to_contain_text(["anna@example.com"])
    expect(people).to_contain_text(["+44 7700 900123"])
    shot(alice, "people")

    people.first.locator("th a").click()  # the person code links to the Person
    expect(alice.get_by_label("First name")).to_have_value("Anna")
    expect(alice.get_by_label("Surname")).to_have_value("van der Berg")
    expect(alice.get_by_label("Mobile number")).to_have_value("+44 7700 900123")
    expect(alice.get_by_label("Home number")).to_have_value("+44 20 7946 0018")
    expect(alice.get_by_label("Work number")).to_have_value("+44 20 7946 0991")
    expect(alice.get_by_label("External email")).to_have_value("anna@example.com")
    shot(alice, "person")

    alice.goto(f"{base}/admin/")
    alice.get_by_role("link", name="Employment details").click()
    row = alice.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CANDIDATE)
    expect(row).to_contain_text("CEZ-UK")
    shot(alice, "employment-details")

    alice.goto(f"{base}/admin/")
    alice.get_by_role("link", name="Log", exact=True).click()
    started = alice.locator("#result_list tbody tr", has_text="New Hire Process started")
    expect(started).to_have_count(1)
    expect(started).to_contain_text(CANDIDATE)
    expect(started).to_contain_text("Info")
    shot(alice, "log")

    # --- bob, the New Hire Administrator, finds the task in My tasks and completes it ---------
    bob = new_window()
    admin_log_in(bob, base, "bob")
    bob.get_by_role("link", name="My tasks").click()
    task_row = bob.locator("#task-list tbody tr", has_text=CANDIDATE)
    expect(task_row).to_have_count(1)
    expect(task_row).to_contain_text("Enter a New Starter")
    shot(bob, "my-tasks")

    task_row.get_by_role("link", name=CANDIDATE).click()
    expect(bob.locator("#task-status")).to_have_text("Open")
    expect(bob.locator("#task-assignee")).to_have_text("Bob Brown")
    expect(bob.get_by_label("First name")).to_have_value("Anna")
    expect(bob.locator("#task-history")).to_contain_text("Nothing has happened to this task yet.")
    shot(bob, "task")
    bob.get_by_role("button", name="Save and complete task").click()

    expect_text(bob, "You have no open tasks.")
    shot(bob, "task-completed")
    expect(bob.locator(".messagelist")).to_contain_text("complete")
    bob.go_back()
    bob.reload()
    expect(bob.locator("#task-status")).to_contain_text("Completed")
    expect(bob.locator("#task-status")).to_contain_text("by Bob Brown")
    expect(bob.get_by_role("button", name="Save and complete task")).to_have_count(0)
