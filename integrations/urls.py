"""The Lever endpoints, mounted under /cezannehr/api/v4/Lever/ (paths are part of the interface)."""

from django.urls import path

from integrations import oauth_views
from integrations.webhooks import lever_webhook

urlpatterns = [
    path(
        "oauth/authorize/<str:subdomain>",
        oauth_views.authorize,
        name="lever-oauth-authorize",
    ),
    path("oauth/callback", oauth_views.callback, name="lever-oauth-callback"),
    path("webhook/<str:subdomain>", lever_webhook, name="lever-webhook"),
]
