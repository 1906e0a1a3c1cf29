"""Lever endpoints. Configs: read with the view permission, written only by integration managers.
Log and deliveries: read-only."""

from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from cezanne_lever.api import Conflict, IntegrityConflictMixin, ModelPermissionsWithView
from hr.roles import is_integration_manager
from integrations import hiring
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


class IntegrationManagerCanRetry(BasePermission):
    """Retrying changes what happens to a hire: integration managers only, as in the admin."""

    message = "Only integration managers can retry deliveries."

    def has_permission(self, request, view):
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

    @action(detail=True, methods=["post"], permission_classes=[IntegrationManagerCanRetry])
    def retry(self, request, pk=None):
        """Queue a failed delivery again (fills in what is missing, duplicates nothing)."""
        delivery = self.get_object()
        if not hiring.retry_delivery(delivery, requested_by=request.user):
            raise Conflict(
                f"This delivery is {delivery.get_status_display().lower()} and cannot be "
                "retried: only failed deliveries (and ignored hires) can."
            )
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
