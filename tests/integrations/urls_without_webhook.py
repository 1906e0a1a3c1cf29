"""The admin and the OAuth routes only: no `lever-webhook` route installed."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cezannehr/api/v4/Lever/", include("integrations.urls")),
]
