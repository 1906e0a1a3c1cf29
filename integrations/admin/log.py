"""The *Log* screen: what happened to each hire, newest first, for HR professionals.

Read-only for everyone. HR Professionals read it (integrations.view_logentry); integration
managers also get Retry on error entries, which re-runs the entry's delivery.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from integrations.admin import retry
from integrations.models import LogEntry

# Colours from the admin's own palette families: readable on light and dark themes.
LEVEL_COLOURS = {
    LogEntry.Level.INFO: "#205493",
    LogEntry.Level.WARNING: "#9a5b00",
    LogEntry.Level.ERROR: "#ba2121",
}


def level_badge(level, label):
    return format_html(
        '<span class="lever-log-level lever-log-level-{}" style="background:{};color:#fff;'
        'padding:2px 8px;border-radius:10px;font-weight:bold;white-space:nowrap">{}</span>',
        level,
        LEVEL_COLOURS.get(level, "#666"),
        label,
    )


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "level_badge", "message", "person_link", "config"]
    list_display_links = ["created_at"]
    list_filter = ["level", "config", "created_at"]
    date_hierarchy = "created_at"
    search_fields = [
        "person__first_name",
        "person__surname",
        "person__full_name",
        "person__known_as",
        "person__external_email",
        "person__person_code",
        "opportunity_id",
        "message",
    ]
    list_select_related = ["person", "config", "delivery"]
    ordering = ["-created_at", "-id"]
    actions = ["retry_selected"]
    fields = [
        "created_at",
        "level_badge",
        "message",
        "person_link",
        "opportunity_id",
        "config",
    ]

    # --- read-only for everyone ----------------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # old entries go with `manage.py prune_lever_data`

    def has_retry_permission(self, request):
        return retry.can_retry(request.user)

    # --- columns -------------------------------------------------------------------------------

    @admin.display(description="Level", ordering="level")
    def level_badge(self, obj):
        return level_badge(obj.level, obj.get_level_display())

    @admin.display(description="Person")
    def person_link(self, obj):
        if obj.person is None:
            return "-"
        url = reverse("admin:hr_person_change", args=[obj.person.pk])
        return format_html('<a href="{}">{}</a>', url, obj.person)

    # The delivery link and the Retry button depend on who is looking, so they are built per
    # request (a ModelAdmin is shared by every request and thread: it must not hold the user).

    def get_list_display(self, request):
        return [*self.list_display, retry_column(request.user)]

    def get_fields(self, request, obj=None):
        return [*self.fields, delivery_column(request.user)]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    # --- Retry ---------------------------------------------------------------------------------

    @admin.action(
        description="Retry the hires of the selected error entries", permissions=["retry"]
    )
    def retry_selected(self, request, queryset):
        entries = queryset.filter(level=LogEntry.Level.ERROR, delivery__isnull=False)
        deliveries = [entry.delivery for entry in entries.select_related("delivery")]
        return retry.confirm_or_retry(
            self,
            request,
            deliveries,
            action="retry_selected",
            selected=queryset.values_list("pk", flat=True),
            cancel_url=reverse("admin:integrations_logentry_changelist"),
        )


def delivery_column(user):
    @admin.display(description="Webhook delivery")
    def delivery(obj):
        if obj.delivery is None:
            return "-"
        if not retry.can_retry(user):
            return str(obj.delivery)
        url = reverse("admin:integrations_webhookdelivery_change", args=[obj.delivery.pk])
        return format_html('<a href="{}">{}</a>', url, obj.delivery)

    return delivery


def retry_column(user):
    allowed = retry.can_retry(user)

    @admin.display(description="")
    def retry_button(obj):
        if not allowed or obj.level != LogEntry.Level.ERROR or obj.delivery is None:
            return ""
        if not retry.hiring.can_retry(obj.delivery):
            return ""
        url = reverse("admin:integrations_webhookdelivery_retry", args=[obj.delivery.pk])
        return format_html('<a class="button" href="{}">Retry</a>', url)

    return retry_button
