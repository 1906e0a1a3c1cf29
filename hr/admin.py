"""Admin screens for the HR records: the everyday tools of an HR team."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from hr.models import Company, EmploymentDetails, Gender, Person, Process, Task, TaskEvent


class ActivationActionsMixin:
    """Bulk *Activate* / *Deactivate* for models with an `is_active` flag."""

    actions = ["activate_selected", "deactivate_selected"]

    def _set_active(self, request, queryset, is_active):
        updated = queryset.update(is_active=is_active)
        state = "activated" if is_active else "deactivated"
        name = self.model._meta
        self.message_user(
            request,
            ngettext(
                f"%d {name.verbose_name} {state}.",
                f"%d {name.verbose_name_plural} {state}.",
                updated,
            )
            % updated,
            messages.SUCCESS,
        )

    @admin.action(description="Activate selected %(verbose_name_plural)s", permissions=["change"])
    def activate_selected(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected %(verbose_name_plural)s", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._set_active(request, queryset, False)


@admin.register(Company)
class CompanyAdmin(ActivationActionsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(Gender)
class GenderAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Process)
class ProcessAdmin(ActivationActionsMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    date_hierarchy = "created_at"


class EmploymentDetailsInline(admin.TabularInline):
    model = EmploymentDetails
    extra = 0
    autocomplete_fields = ["company"]
    fields = ["employment_id", "company", "hire_date", "termination_date"]


class TaskInline(admin.TabularInline):
    model = Task
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["process", "assigned_to"]
    fields = ["process", "assigned_to", "status", "created_at", "completed_at"]
    readonly_fields = ["created_at", "completed_at"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["person_code", "full_name", "external_email", "mobile_number", "created_at"]
    list_filter = ["gender", "employments__company", "created_at"]
    search_fields = [
        "person_code",
        "first_name",
        "surname",
        "known_as",
        "full_name",
        "external_email",
        "lever_contact_id",
        "lever_opportunity_id",
    ]
    date_hierarchy = "created_at"
    autocomplete_fields = ["gender"]
    readonly_fields = ["lever_contact_id", "lever_opportunity_id", "created_at", "updated_at"]
    inlines = [EmploymentDetailsInline, TaskInline]
    fieldsets = [
        (
            "Personal information",
            {
                "fields": [
                    "person_code",
                    ("first_name", "middle_names", "surname"),
                    "known_as",
                    ("full_name", "legal_name"),
                    ("gender", "date_of_birth"),
                ]
            },
        ),
        (
            "Contact details",
            {
                "fields": [
                    ("home_number", "work_number"),
                    ("mobile_number", "other_number"),
                    "skype_name",
                    "external_email",
                ]
            },
        ),
        (
            "Lever",
            {"fields": ["lever_contact_id", "lever_opportunity_id", "created_at", "updated_at"]},
        ),
    ]


@admin.register(EmploymentDetails)
class EmploymentDetailsAdmin(admin.ModelAdmin):
    list_display = ["employment_id", "person_name", "company", "hire_date", "termination_date"]
    list_filter = ["company", ("termination_date", admin.EmptyFieldListFilter), "hire_date"]
    search_fields = ["employment_id", "person__full_name", "person__person_code", "company__code"]
    autocomplete_fields = ["person", "company"]
    list_select_related = ["person", "company"]
    date_hierarchy = "hire_date"

    # The name only: the employment id already is the person code, and a person's full label
    # (name and code again) pushed Company and Hire date off a laptop screen.
    @admin.display(description="person", ordering="person__surname")
    def person_name(self, obj):
        person = obj.person
        return person.full_name or f"{person.first_name} {person.surname}"


class TaskEventInline(admin.TabularInline):
    """The task's audit trail (completions, reassignments, corrections): read-only."""

    model = TaskEvent
    fk_name = "task"
    extra = 0
    fields = ["created_at", "kind", "message"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "assigned_to", "status", "created_at", "completed_at"]
    list_filter = ["status", "process", "assigned_to"]
    search_fields = ["person__full_name", "person__person_code", "process__name"]
    autocomplete_fields = ["process", "person", "assigned_to"]
    list_select_related = ["process", "person", "assigned_to"]
    readonly_fields = ["created_at", "completed_at", "completed_by"]
    date_hierarchy = "created_at"
    inlines = [TaskEventInline]
