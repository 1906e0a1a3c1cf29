"""JSON keys are the model field names; foreign keys are ids."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from hr.models import Company, EmploymentDetails, Person, Process, Task
from hr.roles import hr_professionals
from hr.services.employment import inactive_company_problem


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "code", "name", "is_active"]


class ProcessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Process
        fields = ["id", "name", "kind", "is_active", "created_at"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "person_code",
            "first_name",
            "middle_names",
            "surname",
            "known_as",
            "full_name",
            "legal_name",
            "gender",
            "date_of_birth",
            "home_number",
            "work_number",
            "mobile_number",
            "other_number",
            "skype_name",
            "external_email",
            "lever_contact_id",
            "lever_opportunity_id",
            "created_at",
            "updated_at",
        ]


class EmploymentDetailsSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmploymentDetails
        fields = [
            "id",
            "person",
            "company",
            "employment_id",
            "hire_date",
            "termination_date",
            "created_at",
        ]
        extra_kwargs = {"termination_date": {"required": False}}

    def validate_company(self, company):
        # A new employment, or a move, goes into an active company; a past record may keep
        # a company that has since been deactivated.
        if self.instance is None or self.instance.company_id != company.pk:
            problem = inactive_company_problem(company)
            if problem:
                raise serializers.ValidationError(problem)
        return company

    def validate(self, attrs):
        attrs = super().validate(attrs)
        hire_date = attrs.get("hire_date", getattr(self.instance, "hire_date", None))
        termination_date = attrs.get(
            "termination_date", getattr(self.instance, "termination_date", None)
        )
        if hire_date and termination_date and termination_date < hire_date:
            raise serializers.ValidationError(
                {"termination_date": "The termination date cannot be before the hire date."}
            )
        person = attrs.get("person", getattr(self.instance, "person", None))
        if termination_date is None and person is not None:
            open_ended = person.employments.filter(termination_date__isnull=True)
            if self.instance is not None:
                open_ended = open_ended.exclude(pk=self.instance.pk)
            if open_ended.exists():
                raise serializers.ValidationError(
                    {
                        "termination_date": "This person already has open-ended Employment "
                        "Details: end those first, or give this one a termination date."
                    }
                )
        return attrs


class TaskSerializer(serializers.ModelSerializer):
    """Tasks are created here and never edited field by field: completing and reassigning go
    through their own actions (`tasks/<id>/complete/`, `tasks/<id>/reassign/`) so that the rules
    and the audit trail apply."""

    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "process",
            "person",
            "assigned_to",
            "status",
            "is_new_starter",
            "created_at",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = ["status", "is_new_starter", "completed_at", "completed_by"]

    def validate_assigned_to(self, user):
        if user is not None and not hr_professionals().filter(pk=user.pk).exists():
            raise serializers.ValidationError("Assign tasks to an active HR Professional.")
        return user

    def validate(self, attrs):
        attrs = super().validate(attrs)
        process, person = attrs["process"], attrs["person"]
        if (
            process.is_new_starter
            and person.tasks.filter(status=Task.Status.OPEN, is_new_starter=True).exists()
        ):
            raise serializers.ValidationError(
                {"person": "This person already has an open New Starter task."}
            )
        return attrs


class ReassignSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())


class OutcomeSerializer(serializers.Serializer):
    detail = serializers.CharField()
