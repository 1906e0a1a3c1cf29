"""The Lever integration's public endpoints, mounted at /cezannehr/api/v4/Lever/."""

from django.urls import path

from integrations.webhooks import lever_webhook

urlpatterns = [
    path("webhook/<str:subdomain>", lever_webhook, name="lever-webhook"),
]
