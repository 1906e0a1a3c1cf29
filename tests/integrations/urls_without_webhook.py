"""The admin and the OAuth routes only: no `lever-webhook` route installed."""

from django.contrib import admin
from django.urls import path

from integrations import oauth_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "cezannehr/api/v4/Lever/oauth/authorize/<str:subdomain>",
        oauth_views.authorize,
        name="lever-oauth-authorize",
    ),
    path(
        "cezannehr/api/v4/Lever/oauth/callback", oauth_views.callback, name="lever-oauth-callback"
    ),
]
