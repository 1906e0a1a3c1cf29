"""The rules behind the Details screen: who manages, and the webhook URL shown."""

import pytest
from django.contrib.auth.models import AnonymousUser

from integrations import connection
from integrations.models import IntegrationConfig


@pytest.fixture
def config(db):
    return IntegrationConfig.objects.create(subdomain="CezanneHR")


def test_the_webhook_url_uses_the_installed_webhook_route(config, settings):
    settings.SITE_URL = "https://hr.example.com"
    settings.ROOT_URLCONF = "tests.integrations.urls_with_webhook"

    assert connection.webhook_url(config) == "https://hr.example.com/hooks/CezanneHR"


def test_the_webhook_url_falls_back_to_the_documented_path(config, settings):
    settings.SITE_URL = "https://hr.example.com"
    settings.ROOT_URLCONF = "tests.integrations.urls_without_webhook"

    assert (
        connection.webhook_url(config)
        == "https://hr.example.com/cezannehr/api/v4/Lever/webhook/CezanneHR"
    )


@pytest.mark.parametrize(
    ("user", "allowed"),
    [("alice", True), ("dave", True), ("bob", False), ("carol", False)],
)
def test_who_may_manage(request, user, allowed):
    assert connection.can_manage(request.getfixturevalue(user)) is allowed


def test_anonymous_and_inactive_users_may_not_manage(dave):
    assert not connection.can_manage(AnonymousUser())
    assert not connection.can_manage(None)
    dave.is_active = False
    assert not connection.can_manage(dave)


def test_a_manager_must_be_staff_to_use_the_admin(dave):
    dave.is_staff = False
    dave.save()
    assert not connection.can_manage(dave)
