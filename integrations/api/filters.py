"""List filters of the Lever endpoints."""

from django_filters import rest_framework as filters

from integrations.models import LogEntry, WebhookDelivery


class LogEntryFilter(filters.FilterSet):
    class Meta:
        model = LogEntry
        fields = ["level", "config", "person"]


class WebhookDeliveryFilter(filters.FilterSet):
    class Meta:
        model = WebhookDelivery
        fields = ["status", "config"]
