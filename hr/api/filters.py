"""List filters of the HR endpoints (query parameters named after the model fields)."""

from django_filters import rest_framework as filters

from hr.models import EmploymentDetails, Person, Task


class PersonFilter(filters.FilterSet):
    class Meta:
        model = Person
        fields = ["person_code", "external_email", "lever_contact_id"]


class EmploymentDetailsFilter(filters.FilterSet):
    class Meta:
        model = EmploymentDetails
        fields = ["person"]


class TaskFilter(filters.FilterSet):
    class Meta:
        model = Task
        fields = ["person", "assigned_to", "status"]
