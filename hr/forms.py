"""Forms of the New Hire Administrator's task page."""

from django import forms
from django.utils import timezone

from hr.models import Company, EmploymentDetails, Person
from hr.roles import hr_professionals

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

PERSONAL_FIELDS = [
    "first_name",
    "middle_names",
    "surname",
    "known_as",
    "full_name",
    "legal_name",
    "gender",
    "date_of_birth",
]
CONTACT_FIELDS = [
    "home_number",
    "work_number",
    "mobile_number",
    "other_number",
    "skype_name",
    "external_email",
]


class PersonDetailsForm(forms.ModelForm):
    """The new starter's personal information and contact details."""

    prefix = "person"

    class Meta:
        model = Person
        fields = PERSONAL_FIELDS + CONTACT_FIELDS
        widgets = {"date_of_birth": DATE_INPUT}
        help_texts = {
            "date_of_birth": "Lever does not send it: new starters arrive with today's date.",
            "gender": "Lever does not send it: new starters arrive as Not Known.",
        }

    def personal_fields(self):
        return [self[name] for name in PERSONAL_FIELDS]

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]


class EmploymentForm(forms.ModelForm):
    """The new starter's current Employment Details: company (active only), hire date, ID.

    When the person has none yet, leaving the form as it was offered creates nothing, so the
    personal details can be corrected before the company is known.
    """

    prefix = "employment"

    class Meta:
        model = EmploymentDetails
        fields = ["company", "hire_date", "employment_id"]
        widgets = {"hire_date": DATE_INPUT}
        labels = {"employment_id": "Employment ID"}

    def __init__(self, *args, person, **kwargs):
        instance = kwargs.get("instance")
        if instance is None:
            kwargs["initial"] = {
                "hire_date": timezone.localdate(),
                "employment_id": person.person_code,
            }
            kwargs.update(empty_permitted=True, use_required_attribute=False)
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(is_active=True)
        if instance is not None and not instance.company.is_active:
            self.fields[
                "company"
            ].help_text = f"{instance.company} is inactive: choose an active company."


class ReassignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        queryset=hr_professionals().order_by("first_name", "last_name", "username"),
        label="Reassign to",
        help_text="Only active HR Professionals can be New Hire Administrators.",
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        field.queryset = field.queryset.exclude(pk=task.assigned_to_id).distinct()
        field.label_from_instance = lambda user: user.get_full_name() or user.username
