"""Webhook deliveries, read-only, for the people who manage the integration: every POST Lever
made, raw, with its status, attempts and last error, and Retry for failed ones."""

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from integrations.admin import retry
from integrations.admin.log import level_badge
from integrations.models import WebhookDelivery

STATUS_LEVELS = {
    WebhookDelivery.Status.RECEIVED: "info",
    WebhookDelivery.Status.PROCESSING: "info",
    WebhookDelivery.Status.PROCESSED: "info",
    WebhookDelivery.Status.IGNORED: "warning",
    WebhookDelivery.Status.FAILED: "error",
}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "event",
        "opportunity_id",
        "status_badge",
        "attempts",
        "next_attempt_at",
        "config",
    ]
    list_filter = ["status", "event", "config", "received_at"]
    date_hierarchy = "received_at"
    search_fields = ["opportunity_id", "contact_id", "token"]
    list_select_related = ["config"]
    actions = ["retry_selected"]
    fields = [
        "config",
        "event",
        "status_badge",
        "attempts",
        "last_error",
        "opportunity_id",
        "contact_id",
        "token",
        "triggered_at",
        "received_at",
        "next_attempt_at",
        "claimed_at",
        "processed_at",
        "log",
        "payload_json",
    ]
    readonly_fields = fields

    # --- integration managers only, read-only ------------------------------------------------

    def has_module_permission(self, request):
        return retry.can_retry(request.user)

    def has_view_permission(self, request, obj=None):
        return retry.can_retry(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # old deliveries go with `manage.py prune_lever_data`

    def has_retry_permission(self, request):
        return retry.can_retry(request.user)

    # --- columns -------------------------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return level_badge(STATUS_LEVELS[obj.status], obj.get_status_display())

    @admin.display(description="Payload")
    def payload_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    @admin.display(description="Log")
    def log(self, obj):
        entries = obj.log_entries.order_by("created_at", "id")
        if not entries:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {}</li>",
                ((level_badge(e.level, e.get_level_display()), e.message) for e in entries),
            ),
        )

    # --- Retry ---------------------------------------------------------------------------------

    @admin.action(description="Retry the selected failed hires", permissions=["retry"])
    def retry_selected(self, request, queryset):
        return retry.confirm_or_retry(
            self,
            request,
            queryset,
            action="retry_selected",
            selected=queryset.values_list("pk", flat=True),
            cancel_url=reverse("admin:integrations_webhookdelivery_changelist"),
        )

    def get_urls(self):
        retry_view = self.admin_site.admin_view(self.retry_view)
        return [
            path("<int:pk>/retry/", retry_view, name="integrations_webhookdelivery_retry"),
            *super().get_urls(),
        ]

    def retry_view(self, request, pk):
        """Retry one delivery (the Retry link on an error entry of the Log)."""
        if not self.has_retry_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        log_url = reverse("admin:integrations_logentry_changelist")
        response = retry.confirm_or_retry(self, request, [delivery], cancel_url=log_url)
        return response or HttpResponseRedirect(log_url)
