"""Lever endpoints. Configs: read with the view permission, written only by integration managers.
Log and deliveries: read-only."""

from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from cezanne_lever.api import IntegrityConflictMixin, ModelPermissionsWithView
from hr.roles import is_integration_manager
from integrations.api import filters, serializers
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery


class LeverConfigPermission(ModelPermissionsWithView):
    """Reading needs the view permission; adding, changing or deleting a config needs
    `integrations.manage_lever_integration` (or a superuser), whatever the model permissions."""

    message = "Only integration managers can change Lever integrations."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return is_integration_manager(request.user)


class IntegrationConfigViewSet(IntegrityConflictMixin, viewsets.ModelViewSet):
    queryset = IntegrationConfig.objects.all()
    serializer_class = serializers.IntegrationConfigSerializer
    permission_classes = [LeverConfigPermission]
    filterset_fields = ["is_enabled", "status"]


class LogEntryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = LogEntry.objects.all()
    serializer_class = serializers.LogEntrySerializer
    filterset_class = filters.LogEntryFilter


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = WebhookDelivery.objects.all()
    serializer_class = serializers.WebhookDeliverySerializer
    filterset_class = filters.WebhookDeliveryFilter

    # RETRY ENDPOINT: `POST lever/deliveries/<id>/retry/` belongs here, as
    #     @action(detail=True, methods=["post"], permission_classes=[...])
    #     def retry(self, request, pk=None): ... integrations.hiring.retry_delivery(delivery) ...
    # The router then publishes it at lever/deliveries/<id>/retry/ (URL name
    # "api:lever-delivery-retry"); nothing in cezanne_lever/api_urls.py needs to change.
