from django import forms
from django.core.validators import validate_email

from lever_sandbox.candidates import PHONE_TYPES
from lever_sandbox.models import Account, ArchiveReason, Candidate, Stage, WebhookSettings


class LoginForm(forms.Form):
    email = forms.CharField(label="E-mail", max_length=254)
    password = forms.CharField(widget=forms.PasswordInput)


class CandidateForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Full name, as Lever keeps it: one string.")
    headline = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One e-mail address per line; the first is the main one.",
    )
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label=None)
    origin = forms.ChoiceField(choices=Candidate.Origin.choices)
    tags = forms.CharField(required=False, help_text="Comma-separated.")
    sources = forms.CharField(required=False, help_text="Comma-separated, e.g. LinkedIn.")

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = account.stages.all()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the candidate's name.")
        return name

    def clean_emails(self):
        emails = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        for email in emails:
            validate_email(email)
        return emails

    def clean_tags(self):
        return _comma_list(self.cleaned_data["tags"])

    def clean_sources(self):
        return _comma_list(self.cleaned_data["sources"])


class PhoneForm(forms.Form):
    # "none" is a phone Lever keeps without a type: it arrives as {"type": null, "value": ...}.
    type = forms.ChoiceField(
        choices=[(t, t.capitalize()) for t in PHONE_TYPES] + [("none", "No type")],
        required=False,
    )
    value = forms.CharField(max_length=100, required=False, label="Number or Skype name")

    def phone(self):
        value = self.cleaned_data.get("value", "").strip()
        if not value:
            return None
        phone_type = self.cleaned_data.get("type") or "none"
        return {"type": None if phone_type == "none" else phone_type, "value": value}


PhoneFormSet = forms.formset_factory(PhoneForm, extra=5, max_num=10)


class StageForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label=None)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = account.stages.all()


class ArchiveForm(forms.Form):
    reason = forms.ModelChoiceField(queryset=ArchiveReason.objects.none(), empty_label=None)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = account.archive_reasons.filter(
            type=ArchiveReason.Type.NON_HIRED
        )


class WebhookSettingsForm(forms.ModelForm):
    # A local receiver is plain HTTP (real Lever insists on HTTPS).
    url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="http",
        # Wide enough to show a whole webhook URL: the subdomain at its end is what to check.
        widget=forms.URLInput(attrs={"size": 70}),
        label="Webhook URL",
        help_text="Where Lever POSTs candidateHired, e.g. "
        "http://127.0.0.1:8000/cezannehr/api/v4/Lever/webhook/CezanneHR (the last part is "
        "your subdomain).",
    )

    class Meta:
        model = WebhookSettings
        fields = ["url", "is_enabled"]
        labels = {"is_enabled": "Candidate Hired webhook on"}


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "access_token_lifetime_seconds",
            "rate_limit_per_second",
            "rate_limit_burst",
            "rate_limit_sends_retry_after",
            "latency_ms",
            "fault_rate",
            "fault_status",
        ]

    def clean_fault_rate(self):
        rate = self.cleaned_data["fault_rate"]
        if not 0 <= rate <= 1:
            raise forms.ValidationError("Enter a fraction between 0 and 1.")
        return rate

    def clean_fault_status(self):
        status = self.cleaned_data["fault_status"]
        if not 400 <= status <= 599:
            raise forms.ValidationError("Enter an error status between 400 and 599.")
        return status

    def clean_rate_limit_per_second(self):
        rate = self.cleaned_data["rate_limit_per_second"]
        if rate <= 0:
            raise forms.ValidationError("Enter a positive rate.")
        return rate

    def clean_access_token_lifetime_seconds(self):
        seconds = self.cleaned_data["access_token_lifetime_seconds"]
        if seconds < 1:
            raise forms.ValidationError("Enter at least one second.")
        return seconds


def _comma_list(text):
    return [part.strip() for part in text.split(",") if part.strip()]
