"""The HR domain. Field names are part of the interface: the REST API uses them as JSON keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q


def optional_user(**options):
    """A link to a user that outlives them: deleting the user empties the link, keeping the row
    (tasks, history, who authorised what)."""
    options.setdefault("related_name", "+")
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, **options
    )


class Company(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "companies"

    def __str__(self):
        return f"{self.code} – {self.name}"


class Gender(models.Model):
    """A picklist; the data migration creates U (Not Known), F and M."""

    NOT_KNOWN = "U"

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class Person(models.Model):
    person_code = models.CharField(max_length=40, unique=True)
    first_name = models.CharField(max_length=150)
    middle_names = models.CharField(max_length=150, blank=True)
    surname = models.CharField(max_length=150)
    known_as = models.CharField(max_length=150, blank=True)
    full_name = models.CharField(max_length=300, blank=True)
    legal_name = models.CharField(max_length=300, blank=True)
    gender = models.ForeignKey(Gender, on_delete=models.PROTECT, related_name="people")
    date_of_birth = models.DateField()
    home_number = models.CharField(max_length=50, blank=True)
    work_number = models.CharField(max_length=50, blank=True)
    mobile_number = models.CharField(max_length=50, blank=True)
    other_number = models.CharField(max_length=50, blank=True)
    skype_name = models.CharField(max_length=100, blank=True)
    external_email = models.EmailField(blank=True)
    lever_contact_id = models.CharField(max_length=64, blank=True, default="")
    lever_opportunity_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["surname", "first_name"]
        verbose_name_plural = "people"
        constraints = [
            # One person per Lever contact, so replayed or concurrent hires cannot duplicate.
            models.UniqueConstraint(
                fields=["lever_contact_id"],
                condition=~Q(lever_contact_id=""),
                name="person_unique_lever_contact_id",
            ),
        ]

    def __str__(self):
        return f"{self.full_name or self.first_name + ' ' + self.surname} ({self.person_code})"


class EmploymentDetails(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    # PROTECT: a company that people were employed in is deactivated, not deleted.
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="employments")
    employment_id = models.CharField(max_length=40)
    hire_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True, help_text="Empty means Open Ended.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-hire_date", "-id"]
        verbose_name = "employment details"
        verbose_name_plural = "employment details"
        constraints = [
            # A person holds at most one open-ended employment: replayed hires cannot add a second.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(termination_date__isnull=True),
                name="employment_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(termination_date__isnull=True)
                | Q(termination_date__gte=models.F("hire_date")),
                name="employment_termination_after_hire",
            ),
        ]

    def __str__(self):
        return f"{self.employment_id} at {self.company.code}"

    @property
    def is_open_ended(self):
        return self.termination_date is None


class Process(models.Model):
    class Kind(models.TextChoices):
        NEW_STARTER_WITH_ABSENCES = "new_starter_with_absences", "Enter a New Starter"
        NEW_STARTER_WITHOUT_ABSENCES = (
            "new_starter_without_absences",
            "Enter a New Starter (Without Absences)",
        )
        OTHER = "other", "Other"

    NEW_STARTER_KINDS = (Kind.NEW_STARTER_WITH_ABSENCES, Kind.NEW_STARTER_WITHOUT_ABSENCES)

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.OTHER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "processes"

    def __str__(self):
        return self.name

    @property
    def is_new_starter(self):
        return self.kind in self.NEW_STARTER_KINDS


class Task(models.Model):
    """One step of a process for one person, assigned to one user."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="tasks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tasks")
    assigned_to = optional_user(related_name="hr_tasks")
    # Copied from the process when the task is created, so the database can enforce
    # "one open New Starter task per person" (a constraint cannot look through a foreign key).
    is_new_starter = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = optional_user()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="open", is_new_starter=True),
                name="task_one_open_new_starter_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.process} for {self.person}"

    def save(self, *args, **kwargs):
        if self.process_id is not None and not self.pk:
            self.is_new_starter = self.process.is_new_starter
        super().save(*args, **kwargs)


class TaskEvent(models.Model):
    """The audit trail of a task: who completed or handed it over, and when.

    Kept as rows of its own (not Django's admin LogEntry) so the task page can show its history
    in plain words and nothing that prunes admin history can lose it.
    """

    class Kind(models.TextChoices):
        DETAILS_UPDATED = "details_updated", "Details updated"
        REASSIGNED = "reassigned", "Reassigned"
        COMPLETED = "completed", "Completed"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = optional_user()
    from_user = optional_user()
    to_user = optional_user()
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.message
