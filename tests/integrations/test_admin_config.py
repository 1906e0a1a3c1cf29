"""The Details screen: who may see it, the write-only token, the scoped pickers, the webhook URL,
the authorise confirmation and the Disable action."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hr.models import Company
from integrations.models import IntegrationConfig, LogEntry
from tests.conftest import PASSWORD

TOKEN = "whsec-Zq8v3LmN0pR7tY2u"
CHANGELIST = reverse("admin:integrations_integrationconfig_changelist")
ADD = reverse("admin:integrations_integrationconfig_add")


@pytest.fixture(autouse=True)
def fast_passwords_and_site(settings):
    settings.SITE_URL = "https://hr.example.com"


@pytest.fixture
def config(db, bob, company):
    return IntegrationConfig.objects.create(
        subdomain="CezanneHR",
        signature_token=TOKEN,
        new_hire_administrator=bob,
        default_company=company,
    )


@pytest.fixture
def authorised(config, alice):
    config.status = IntegrationConfig.Status.AUTHORISED
    config.access_token = "access-token-secret"
    config.refresh_token = "refresh-token-secret"
    config.token_expires_at = timezone.now() + timedelta(hours=1)
    config.authorised_at = timezone.now()
    config.authorised_by = alice
    config.lever_account_id = "acct-123"
    config.save()
    return config


def url(view, obj):
    return reverse(f"admin:integrations_integrationconfig_{view}", args=[obj.pk])


def as_user(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_data(bob, company, **overrides):
    data = {
        "subdomain": "AcmeHR",
        "signature_token": TOKEN,
        "new_hire_administrator": str(bob.pk),
        "default_company": str(company.pk),
        "is_enabled": "on",
        "_save": "Save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "dave"])
def test_managers_see_every_page(client, config, request, user):
    as_user(client, request.getfixturevalue(user))
    for page in [CHANGELIST, ADD, url("change", config), url("authorise", config)]:
        assert client.get(page).status_code == 200, page
    assert b"Lever integrations" in client.get(reverse("admin:index")).content


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_nobody_else_sees_the_screen(client, config, request, user):
    as_user(client, request.getfixturevalue(user))
    for page in [
        CHANGELIST,
        ADD,
        url("change", config),
        url("authorise", config),
        url("disable", config),
        reverse("admin:integrations_integrationconfig_autocomplete", args=["default_company"]),
    ]:
        assert client.get(page).status_code == 403, page
    assert client.post(url("disable", config)).status_code == 403
    assert b"Lever integrations" not in client.get(reverse("admin:index")).content
    assert IntegrationConfig.objects.get(pk=config.pk).is_enabled


def test_anonymous_users_are_sent_to_log_in(client, config):
    for page in [CHANGELIST, ADD, url("change", config), url("authorise", config)]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_view_permission_alone_is_not_enough(client, config, carol):
    carol.user_permissions.add(
        Permission.objects.get(codename="view_integrationconfig"),
        Permission.objects.get(codename="change_integrationconfig"),
    )
    as_user(client, carol)
    assert client.get(CHANGELIST).status_code == 403


def test_only_superusers_may_delete(client, config, alice, dave):
    as_user(client, dave)
    assert client.get(url("delete", config)).status_code == 403
    client.logout()
    as_user(client, alice)
    assert client.get(url("delete", config)).status_code == 200


# --- adding --------------------------------------------------------------------------------


def test_adding_saves_and_shows_the_authorise_confirmation(client, dave, bob, company):
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company))

    config = IntegrationConfig.objects.get(subdomain="AcmeHR")
    assert response.status_code == 302
    assert response["Location"] == url("authorise", config)
    assert config.signature_token == TOKEN
    assert config.new_hire_administrator == bob
    assert config.default_company == company
    assert config.status == IntegrationConfig.Status.NOT_AUTHORISED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT signature_token FROM integrations_integrationconfig WHERE id = %s", [config.pk]
        )
        assert TOKEN not in cursor.fetchone()[0]


def test_save_and_continue_editing_keeps_its_usual_meaning(client, dave, bob, company):
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company, _save=None, _continue="1"))

    config = IntegrationConfig.objects.get(subdomain="AcmeHR")
    assert response["Location"] == url("change", config)


def test_the_confirmation_page_leads_to_lever_or_back(client, config, dave):
    as_user(client, dave)

    page = client.get(url("authorise", config)).content.decode()

    assert "Your browser will now go to Lever" in page
    assert 'href="/cezannehr/api/v4/Lever/oauth/authorize/CezanneHR"' in page
    assert f'href="{url("change", config)}"' in page


def test_the_confirmation_page_styles_ok_and_cancel_as_a_submit_row(client, config, dave):
    as_user(client, dave)

    page = client.get(url("authorise", config)).content.decode()

    # The submit row's styles live in forms.css, which only form pages load by themselves.
    assert '<link rel="stylesheet" href="/static/admin/css/forms.css">' in page
    assert '<div class="submit-row">' in page


def test_the_signature_token_is_required_when_adding(client, dave, bob, company):
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company, signature_token=""))

    assert response.status_code == 200
    assert "signature_token" in response.context["adminform"].form.errors
    assert not IntegrationConfig.objects.exists()


def test_a_subdomain_is_unique_whatever_its_case(client, config, dave, bob, company):
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company, subdomain="cezannehr"))

    assert "already uses this subdomain" in str(response.context["adminform"].form.errors)
    assert IntegrationConfig.objects.count() == 1


@pytest.mark.parametrize("field", ["new_hire_administrator", "default_company"])
def test_administrator_and_company_are_required(client, dave, bob, company, field):
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company, **{field: ""}))

    assert field in response.context["adminform"].form.errors
    assert not IntegrationConfig.objects.exists()


def test_a_subdomain_must_look_like_one(client, dave, bob, company):
    as_user(client, dave)
    response = client.post(ADD, form_data(bob, company, subdomain="acme hr/../x"))
    assert "subdomain" in response.context["adminform"].form.errors


def test_a_user_who_is_not_an_hr_professional_cannot_be_picked(client, dave, carol, company):
    as_user(client, dave)

    response = client.post(ADD, form_data(carol, company))

    errors = response.context["adminform"].form.errors
    assert "Choose an active HR Professional" in str(errors["new_hire_administrator"])
    assert not IntegrationConfig.objects.exists()


def test_an_inactive_hr_professional_cannot_be_picked(client, dave, bob, company):
    bob.is_active = False
    bob.save()
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company))

    assert "new_hire_administrator" in response.context["adminform"].form.errors


def test_an_inactive_company_cannot_be_picked(client, dave, bob, company):
    company.is_active = False
    company.save()
    as_user(client, dave)

    response = client.post(ADD, form_data(bob, company))

    errors = response.context["adminform"].form.errors
    assert "Choose an active company" in str(errors["default_company"])


# --- the change page -----------------------------------------------------------------------


def test_the_change_page_never_renders_a_secret(client, authorised, dave):
    as_user(client, dave)

    page = client.get(url("change", authorised)).content.decode()

    for secret in [TOKEN, "access-token-secret", "refresh-token-secret"]:
        for piece in (secret, secret[:6], secret[-6:]):
            assert piece not in page
    token_input = re.search(r'<input[^>]*name="signature_token"[^>]*>', page).group(0)
    assert 'type="password"' in token_input and "value=" not in token_input
    assert "Set. Leave blank to keep it" in page


def test_the_stored_token_is_not_even_loaded_into_the_form(client, authorised, dave):
    as_user(client, dave)

    form = client.get(url("change", authorised)).context["adminform"].form

    assert TOKEN not in str(form.initial)
    assert form["signature_token"].value() is None


def test_the_change_page_shows_the_connection(client, authorised, dave):
    as_user(client, dave)

    page = client.get(url("change", authorised)).content.decode()

    assert 'value="https://hr.example.com/cezannehr/api/v4/Lever/webhook/CezanneHR"' in page
    assert 'data-copy-target="lever-webhook-url"' in page
    assert "navigator.clipboard" in page  # the inline copy script, no external asset
    assert "Authorised" in page and "acct-123" in page
    assert "Re-authorise" in page
    assert "Disable" in page


def test_an_unauthorised_config_offers_authorise(client, config, dave):
    as_user(client, dave)
    page = client.get(url("change", config)).content.decode()
    assert ">Authorise</a>" in page
    assert "Not authorised yet" in page


def test_a_revoked_config_says_to_re_authorise(client, config, dave):
    config.status = IntegrationConfig.Status.REVOKED
    config.save()
    as_user(client, dave)
    page = client.get(url("change", config)).content.decode()
    assert "Lever no longer accepts this connection" in page


def test_saving_with_a_blank_token_keeps_the_stored_one(client, authorised, dave, bob, company):
    as_user(client, dave)

    response = client.post(
        url("change", authorised),
        form_data(bob, company, subdomain="CezanneHR", signature_token=""),
    )

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST  # authorised: nothing more to do
    assert IntegrationConfig.objects.get(pk=authorised.pk).signature_token == TOKEN


def test_typing_a_new_token_replaces_it(client, authorised, dave, bob, company):
    as_user(client, dave)

    client.post(
        url("change", authorised),
        form_data(bob, company, subdomain="CezanneHR", signature_token="new-token"),
    )

    assert IntegrationConfig.objects.get(pk=authorised.pk).signature_token == "new-token"


def test_saving_an_unauthorised_config_goes_to_the_confirmation(client, config, dave, bob, company):
    as_user(client, dave)

    response = client.post(url("change", config), form_data(bob, company, subdomain="CezanneHR"))

    assert response["Location"] == url("authorise", config)


def test_a_config_whose_administrator_left_must_be_fixed_before_saving(
    client, authorised, dave, bob, company
):
    bob.is_active = False
    bob.save()
    as_user(client, dave)

    response = client.post(
        url("change", authorised), form_data(bob, company, subdomain="CezanneHR")
    )

    assert "new_hire_administrator" in response.context["adminform"].form.errors


# --- autocompletes -------------------------------------------------------------------------


def autocomplete(client, field, term=""):
    response = client.get(
        reverse("admin:integrations_integrationconfig_autocomplete", args=[field]),
        {"term": term},
    )
    assert response.status_code == 200
    return response.json()


def test_the_administrator_picker_offers_active_hr_professionals_only(
    client, dave, bob, carol, hr_professional_group, django_user_model
):
    gone = django_user_model.objects.create_user("erin", is_active=False, is_staff=True)
    gone.groups.add(hr_professional_group)
    as_user(client, dave)

    result = autocomplete(client, "new_hire_administrator")

    assert result == {
        "results": [{"id": str(bob.pk), "text": "Bob Brown (bob)"}],
        "pagination": {"more": False},
    }
    assert autocomplete(client, "new_hire_administrator", "brown")["results"]
    assert autocomplete(client, "new_hire_administrator", "carol")["results"] == []


def test_the_company_picker_offers_active_companies_only(client, dave, company):
    Company.objects.create(code="OLD", name="Old Co", is_active=False)
    Company.objects.create(code="ACME-FR", name="Acme France")
    as_user(client, dave)

    codes = [r["text"].split(" ")[0] for r in autocomplete(client, "default_company")["results"]]

    assert codes == ["ACME-FR", "ACME-UK"]
    assert len(autocomplete(client, "default_company", "france")["results"]) == 1


def test_the_pickers_page_their_results(client, dave):
    Company.objects.bulk_create(Company(code=f"C{i:02}", name=f"Co {i}") for i in range(25))
    as_user(client, dave)

    first = autocomplete(client, "default_company")
    second = client.get(
        reverse("admin:integrations_integrationconfig_autocomplete", args=["default_company"]),
        {"page": 2},
    ).json()

    assert (len(first["results"]), first["pagination"]["more"]) == (20, True)
    assert (len(second["results"]), second["pagination"]["more"]) == (5, False)


def test_no_other_field_has_a_picker(client, dave):
    as_user(client, dave)
    response = client.get(
        reverse("admin:integrations_integrationconfig_autocomplete", args=["authorised_by"])
    )
    assert response.status_code == 403


def test_the_form_uses_the_screens_own_pickers(client, config, dave):
    as_user(client, dave)
    page = client.get(url("change", config)).content.decode()
    own = reverse("admin:integrations_integrationconfig_autocomplete", args=["default_company"])
    assert f'data-ajax--url="{own}"' in page
    assert "admin/js/vendor/select2/select2.full" in page  # self-hosted with the admin


# --- disabling -----------------------------------------------------------------------------


def test_the_disable_action_asks_first(client, authorised, dave):
    as_user(client, dave)

    response = client.post(
        CHANGELIST, {"action": "disable_selected", "_selected_action": [authorised.pk]}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Disable these Lever integrations?" in page
    assert "Settings &gt; Integrations and API &gt; Authorized Apps" in page
    assert IntegrationConfig.objects.get(pk=authorised.pk).status == "authorised"


def test_confirming_the_disable_action_stops_processing_and_erases_tokens(client, authorised, dave):
    as_user(client, dave)

    response = client.post(
        CHANGELIST,
        {"action": "disable_selected", "_selected_action": [authorised.pk], "post": "yes"},
        follow=True,
    )

    config = IntegrationConfig.objects.get(pk=authorised.pk)
    assert config.status == IntegrationConfig.Status.DISABLED
    assert not config.is_enabled and not config.is_usable
    assert (config.access_token, config.refresh_token, config.token_expires_at) == ("", "", None)
    assert config.signature_token == TOKEN  # kept: needed again if it is re-enabled
    messages = [str(m) for m in response.context["messages"]]
    assert any("Authorized Apps" in m and "Revoke Access" in m for m in messages)
    entry = LogEntry.objects.get()
    assert "dave disabled the Lever integration for CezanneHR" in entry.message
    assert "Authorized Apps" in entry.message


def test_disable_from_the_change_page(client, authorised, dave):
    as_user(client, dave)

    confirm = client.get(url("disable", authorised))
    assert "Yes, disable" in confirm.content.decode()
    response = client.post(url("disable", authorised))

    assert response["Location"] == url("change", authorised)
    assert IntegrationConfig.objects.get(pk=authorised.pk).status == "disabled"
    page = client.get(url("change", authorised)).content.decode()
    assert "Disabled: hires are not processed" in page
    assert ">Disable</a>" not in page


def test_re_enabling_a_disabled_config_leads_to_authorising(client, authorised, dave, bob, company):
    as_user(client, dave)
    client.post(url("disable", authorised))

    response = client.post(
        url("change", authorised), form_data(bob, company, subdomain="CezanneHR")
    )

    assert response["Location"] == url("authorise", authorised)
    assert IntegrationConfig.objects.get(pk=authorised.pk).is_enabled
