"""Mounted at /lever-sandbox/ only when settings.LEVER_SANDBOX is on (cezanne_lever/urls.py).

With LEVER_AUTH_URL = <site>/lever-sandbox and LEVER_API_URL = <site>/lever-sandbox/v1 the product
finds Lever's endpoints where it expects them: /authorize, /oauth/token, /v1/opportunities/<id>.
"""

from django.urls import path
from django.views.generic import RedirectView

from lever_sandbox import api_views, oauth_views, views

app_name = "lever_sandbox"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="lever_sandbox:candidates"), name="home"),
    # Lever's OAuth server
    path("authorize", oauth_views.authorize, name="authorize"),
    path("oauth/token", oauth_views.token, name="token"),
    # Lever's data API
    path("v1/opportunities/<str:opportunity_id>", api_views.opportunity, name="api_opportunity"),
    path("v1/archive_reasons", api_views.archive_reasons, name="api_archive_reasons"),
    path("v1/archive_reasons/<str:reason_id>", api_views.archive_reason, name="api_archive_reason"),
    # Lever's pages
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("candidates/", views.candidate_list, name="candidates"),
    path("candidates/new", views.candidate_create, name="candidate_create"),
    path("candidates/<uuid:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<uuid:pk>/hire", views.candidate_hire, name="candidate_hire"),
    path("candidates/<uuid:pk>/stage", views.candidate_stage, name="candidate_stage"),
    path("candidates/<uuid:pk>/archive", views.candidate_archive, name="candidate_archive"),
    path("settings/webhooks", views.webhook_settings, name="webhooks"),
    path(
        "settings/webhooks/regenerate-token",
        views.webhook_regenerate_token,
        name="webhook_regenerate_token",
    ),
    path("settings/webhooks/verify", views.webhook_verify, name="webhook_verify"),
    path("settings/webhooks/requests/<int:pk>/rerun", views.webhook_rerun, name="webhook_rerun"),
    path("settings/authorized-apps", views.authorized_apps, name="authorized_apps"),
    path("settings/authorized-apps/<int:pk>/revoke", views.revoke_app, name="revoke_app"),
    path("settings/account", views.account_settings, name="settings"),
]
