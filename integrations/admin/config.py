"""The Lever integration's *Details* screen (SPEC sections 4 and 5).

Only superusers and holders of integrations.manage_lever_integration see it. The signature token
is write-only; the New Hire Administrator and the default company are picked with autocompletes
served by this admin itself, limited to active HR Professionals and active companies, so that an
integration manager needs no access to the user or company screens, and the form validates the
same limits on save.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from hr.models import Company
from hr.roles import hr_professionals
from integrations import connection
from integrations.models import IntegrationConfig

AUTOCOMPLETE_PAGE_SIZE = 20


def selectable_administrators():
    return hr_professionals().order_by("first_name", "last_name", "username").distinct()


def selectable_companies():
    return Company.objects.filter(is_active=True)


# What each autocomplete offers and how a search term narrows it.
AUTOCOMPLETES = {
    "new_hire_administrator": (
        selectable_administrators,
        ("username", "first_name", "last_name", "email"),
    ),
    "default_company": (selectable_companies, ("code", "name")),
}


class ScopedAutocompleteSelect(AutocompleteSelect):
    """The admin's select2 autocomplete, fed by this admin's own endpoint for the field."""

    def get_url(self):
        return reverse("admin:integrations_integrationconfig_autocomplete", args=[self.field.name])


def _administrator_label(user):
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class AdministratorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _administrator_label(obj)


class IntegrationConfigForm(forms.ModelForm):
    # Not a model field on the form: the stored token is never put into the form, so it can
    # never be rendered, not even as an initial value.
    signature_token = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="The Candidate Hired webhook's signature token, from Settings > Integrations "
        "and API > Webhooks in Lever.",
    )

    class Meta:
        model = IntegrationConfig
        fields = ["subdomain", "new_hire_administrator", "default_company", "is_enabled"]
        labels = {"is_enabled": "Enabled"}
        help_texts = {
            "is_enabled": "Untick to stop processing hires from Lever for this account for now "
            "(the authorisation is kept; Disable also erases it)."
        }

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        administrator = self.fields["new_hire_administrator"]
        # Both are required here although the model allows empty (a deleted user or company
        # leaves them empty): without them no hire can be completed.
        self.fields["new_hire_administrator"] = AdministratorChoiceField(
            queryset=selectable_administrators(),
            required=True,
            label=administrator.label,
            help_text=administrator.help_text,
            error_messages={
                "invalid_choice": "Choose an active HR Professional: only they can be sent "
                "New Starter tasks."
            },
        )
        company = self.fields["default_company"]
        company.required = True
        company.queryset = selectable_companies()
        company.error_messages["invalid_choice"] = (
            "Choose an active company: new hires cannot be employed in an inactive one."
        )
        if admin_site is not None:
            for name in AUTOCOMPLETES:
                field = self.fields[name]
                field.widget = ScopedAutocompleteSelect(
                    IntegrationConfig._meta.get_field(name), admin_site, choices=field.choices
                )
                field.widget.is_required = field.required
        token = self.fields["signature_token"]
        if self.instance.pk and self.instance.signature_token:
            token.help_text = "Set. Leave blank to keep it; type a new one to replace it."
        else:
            token.required = True
            token.help_text = "Not set. " + token.help_text

    def clean_subdomain(self):
        subdomain = self.cleaned_data["subdomain"]
        clash = IntegrationConfig.objects.filter(subdomain__iexact=subdomain)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "Another Lever integration already uses this subdomain (letter case does not "
                "matter)."
            )
        return subdomain

    def save(self, commit=True):
        token = self.cleaned_data.get("signature_token")
        if token:
            self.instance.signature_token = token
        return super().save(commit=commit)


@admin.register(IntegrationConfig)
class IntegrationConfigAdmin(admin.ModelAdmin):
    form = IntegrationConfigForm
    list_display = [
        "subdomain",
        "status",
        "is_enabled",
        "new_hire_administrator",
        "default_company",
        "authorised_at",
    ]
    list_filter = ["status", "is_enabled"]
    search_fields = ["subdomain", "lever_account_id"]
    actions = ["disable_selected"]
    readonly_fields = [
        "webhook_url",
        "signature_token_state",
        "status",
        "authorised_at",
        "authorised_by",
        "token_expires_at",
        "lever_account_id",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "subdomain",
                    "signature_token",
                    "new_hire_administrator",
                    "default_company",
                    "is_enabled",
                ]
            },
        ),
        (
            "Connection to Lever",
            {
                "fields": [
                    "webhook_url",
                    "signature_token_state",
                    "status",
                    "authorised_at",
                    "authorised_by",
                    "token_expires_at",
                    "lever_account_id",
                ]
            },
        ),
    ]

    # --- permissions: integration managers only ---------------------------------------------

    def has_module_permission(self, request):
        return connection.can_manage(request.user)

    def has_view_permission(self, request, obj=None):
        return connection.can_manage(request.user)

    def has_add_permission(self, request):
        return connection.can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return connection.can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deleting also deletes the stored webhook deliveries; Disable is the everyday way out.
        return request.user.is_active and request.user.is_superuser

    # --- form and read-only fields ------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The model fields the form edits; signature_token stays the form's own write-only
        # field, so the stored token is never loaded into the form (not even as initial data).
        kwargs["fields"] = IntegrationConfigForm.Meta.fields
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_site = self.admin_site

        class FormWithAutocomplete(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, admin_site=admin_site, **kw)

        return FormWithAutocomplete

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to show about a connection that does not exist yet
            return self.fieldsets[:1]
        return self.fieldsets

    @admin.display(description="Webhook URL")
    def webhook_url(self, obj):
        return format_html(
            '<input type="text" id="lever-webhook-url" value="{}" readonly size="70"> '
            '<button type="button" class="button" data-copy-target="lever-webhook-url">'
            "Copy</button>"
            '<div class="help">Paste this into the Candidate Hired webhook under Settings &gt; '
            "Integrations and API &gt; Webhooks in Lever.</div>",
            connection.webhook_url(obj),
        )

    @admin.display(description="Signature token stored")
    def signature_token_state(self, obj):
        return "Set" if obj.signature_token else "Not set"

    # --- after saving: go and authorise ------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"The Lever integration {obj} was added.", messages.SUCCESS)
        return HttpResponseRedirect(self._url("authorise", obj))

    def response_change(self, request, obj):
        needs_authorising = obj.is_enabled and obj.status != IntegrationConfig.Status.AUTHORISED
        if needs_authorising and "_save" in request.POST:
            self.message_user(request, f"The Lever integration {obj} was saved.", messages.SUCCESS)
            return HttpResponseRedirect(self._url("authorise", obj))
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["authorise_url"] = self._url("authorise", object_id)
        extra_context["disable_url"] = self._url("disable", object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- extra views: confirmation pages and autocompletes -----------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:object_id>/authorise/",
                wrap(self.authorise_view),
                name="integrations_integrationconfig_authorise",
            ),
            path(
                "<int:object_id>/disable/",
                wrap(self.disable_view),
                name="integrations_integrationconfig_disable",
            ),
            path(
                "autocomplete/<str:field_name>/",
                wrap(self.autocomplete_view),
                name="integrations_integrationconfig_autocomplete",
            ),
        ]
        return own + super().get_urls()

    def authorise_view(self, request, object_id):
        """The "redirect pop-up": OK goes to Lever to authorise, Cancel back to the Details."""
        config = self._managed_object(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "config": config,
            "title": "Authorise in Lever",
            "authorize_url": reverse("lever-oauth-authorize", args=[config.subdomain]),
            "cancel_url": self._url("change", config),
        }
        return TemplateResponse(
            request, "admin/integrations/integrationconfig/authorise_confirm.html", context
        )

    def disable_view(self, request, object_id):
        config = self._managed_object(request, object_id)
        if request.method == "POST":
            self._disable(request, [config])
            return HttpResponseRedirect(self._url("change", config))
        return self._disable_confirmation(request, [config], single=True)

    @admin.action(description="Disable selected Lever integrations")
    def disable_selected(self, request, queryset):
        if request.POST.get("post") == "yes":
            self._disable(request, list(queryset))
            return None
        return self._disable_confirmation(request, list(queryset), single=False)

    def autocomplete_view(self, request, field_name):
        if not connection.can_manage(request.user):
            raise PermissionDenied
        if field_name not in AUTOCOMPLETES:
            raise PermissionDenied
        queryset_for, search_fields = AUTOCOMPLETES[field_name]
        queryset = queryset_for()
        term = request.GET.get("term", "").strip()
        if term:
            match = Q()
            for name in search_fields:
                match |= Q(**{f"{name}__icontains": term})
            queryset = queryset.filter(match)
        page = Paginator(queryset, AUTOCOMPLETE_PAGE_SIZE).get_page(request.GET.get("page"))
        label = _administrator_label if field_name == "new_hire_administrator" else str
        return JsonResponse(
            {
                "results": [{"id": str(obj.pk), "text": label(obj)} for obj in page],
                "pagination": {"more": page.has_next()},
            }
        )

    # --- helpers ------------------------------------------------------------------------------

    def _managed_object(self, request, object_id):
        if not connection.can_manage(request.user):
            raise PermissionDenied
        return get_object_or_404(IntegrationConfig, pk=object_id)

    def _url(self, view, obj):
        pk = obj.pk if hasattr(obj, "pk") else obj
        return reverse(f"admin:integrations_integrationconfig_{view}", args=[pk])

    def _disable(self, request, configs):
        for config in configs:
            connection.disable(config, request.user)
        names = ", ".join(config.subdomain for config in configs)
        self.message_user(
            request,
            f"Disabled: {names}. Hires are no longer processed and the access tokens were "
            "erased. To remove this app's access in Lever too, go to Settings > Integrations "
            "and API > Authorized Apps in Lever and click Revoke Access.",
            messages.SUCCESS,
        )

    def _disable_confirmation(self, request, configs, *, single):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "configs": configs,
            "single": single,
            "title": "Disable Lever integration",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": self._url("change", configs[0])
            if single
            else reverse("admin:integrations_integrationconfig_changelist"),
        }
        return TemplateResponse(
            request, "admin/integrations/integrationconfig/disable_confirm.html", context
        )
