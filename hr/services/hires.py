"""Starting a new starter: Person, Employment Details and the New Starter task, idempotently.

`start_new_hire(new_hire, company=..., administrator=...)` is safe to call any number of times
for the same person, concurrently too: it finds what exists, creates only what is missing, and
never overwrites what HR has already typed. The database constraints in hr.models (one person per
Lever contact, one open-ended employment and one open New Starter task per person) are the last
word on races: a conflicting insert rolls back and the whole step is run again, finding the
winner's rows.
"""

import dataclasses
import datetime
import enum
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hr.models import Company, EmploymentDetails, Gender, Person, Process, Task
from hr.roles import is_hr_professional

# A race can only be lost once per constrained row (person, employment, task).
MAX_RACE_RETRIES = 4


@dataclass(frozen=True)
class NewHire:
    """The HR field values of one hired candidate (see integrations.lever.mapping)."""

    person_code: str
    employment_id: str
    first_name: str
    surname: str
    middle_names: str = ""
    known_as: str = ""
    full_name: str = ""
    legal_name: str = ""
    home_number: str = ""
    work_number: str = ""
    mobile_number: str = ""
    other_number: str = ""
    skype_name: str = ""
    external_email: str = ""
    lever_contact_id: str = ""
    lever_opportunity_id: str = ""
    hire_date: datetime.date = field(default_factory=timezone.localdate)
    # Things HR should check, in plain words (e.g. only one name was given).
    warnings: tuple[str, ...] = ()

    @property
    def display_name(self):
        return self.full_name or f"{self.first_name} {self.surname}".strip()


# The Person fields a new hire fills in (and, on an existing person, fills only when empty).
PERSON_FIELDS = (
    "first_name",
    "middle_names",
    "surname",
    "known_as",
    "full_name",
    "legal_name",
    "home_number",
    "work_number",
    "mobile_number",
    "other_number",
    "skype_name",
    "external_email",
    "lever_contact_id",
    "lever_opportunity_id",
)


class Skipped(enum.StrEnum):
    """Why a record was not created. The caller turns these into messages for HR."""

    COMPANY_MISSING = "company_missing"
    COMPANY_INACTIVE = "company_inactive"
    NO_NEW_STARTER_PROCESS = "no_new_starter_process"
    ADMINISTRATOR_MISSING = "administrator_missing"
    ADMINISTRATOR_INACTIVE = "administrator_inactive"
    ADMINISTRATOR_NOT_HR_PROFESSIONAL = "administrator_not_hr_professional"


@dataclass
class HireResult:
    person: Person
    person_created: bool
    # Fields of an existing person that were empty and are now filled in.
    filled_fields: list[str] = dataclasses.field(default_factory=list)
    employment: EmploymentDetails | None = None
    employment_created: bool = False
    employment_skipped: Skipped | None = None
    process: Process | None = None
    task: Task | None = None
    task_created: bool = False
    task_skipped: Skipped | None = None

    @property
    def is_complete(self):
        """Person, employment and open New Starter task all exist."""
        return self.employment is not None and self.task is not None

    @property
    def created_anything(self):
        return (
            self.person_created
            or bool(self.filled_fields)
            or self.employment_created
            or self.task_created
        )


def start_new_hire(new_hire, *, company, administrator):
    """Create or complete the new starter's records in one transaction. Returns a HireResult."""
    for attempt in range(MAX_RACE_RETRIES):
        try:
            with transaction.atomic():
                return _start_new_hire(new_hire, company, administrator)
        except IntegrityError:
            # Another worker created one of these rows first; its rows are found next time.
            if attempt == MAX_RACE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _start_new_hire(new_hire, company, administrator):
    person, created, filled = find_or_create_person(new_hire)
    result = HireResult(person=person, person_created=created, filled_fields=filled)
    result.employment, result.employment_created, result.employment_skipped = (
        find_or_create_employment(person, new_hire, company)
    )
    result.process = choose_new_starter_process()
    result.task, result.task_created, result.task_skipped = find_or_create_task(
        person, result.process, administrator
    )
    return result


def find_person(new_hire):
    if new_hire.lever_contact_id:
        person = Person.objects.filter(lever_contact_id=new_hire.lever_contact_id).first()
        if person is not None:
            return person
    return Person.objects.filter(person_code=new_hire.person_code).first()


def find_or_create_person(new_hire):
    """(person, created, filled_fields). An existing person only gets their empty fields filled."""
    person = find_person(new_hire)
    if person is None:
        today = timezone.localdate()
        person = Person.objects.create(
            person_code=new_hire.person_code,
            gender=Gender.objects.get(code=Gender.NOT_KNOWN),
            # Lever has no date of birth; the field is mandatory, so HR corrects it later.
            date_of_birth=today,
            **{name: getattr(new_hire, name) for name in PERSON_FIELDS},
        )
        return person, True, []
    filled = []
    for name in PERSON_FIELDS:
        value = getattr(new_hire, name)
        if value and not getattr(person, name):
            if name == "lever_contact_id" and contact_taken(value, person):
                continue
            setattr(person, name, value)
            filled.append(name)
    if filled:
        person.save(update_fields=[*filled, "updated_at"])
    return person, False, filled


def contact_taken(contact_id, person):
    return Person.objects.filter(lever_contact_id=contact_id).exclude(pk=person.pk).exists()


def current_employment(person, today):
    """An employment that is open ended or has not ended yet."""
    return (
        person.employments.filter(Q(termination_date__isnull=True) | Q(termination_date__gte=today))
        .order_by("-hire_date", "-id")
        .first()
    )


def find_or_create_employment(person, new_hire, company):
    """(employment, created, skipped). A person with a current employment keeps it."""
    existing = current_employment(person, timezone.localdate())
    if existing is not None:
        return existing, False, None
    if company is None:
        return None, False, Skipped.COMPANY_MISSING
    # Re-read: the company may have been deactivated since the caller loaded it.
    company = Company.objects.filter(pk=company.pk).first()
    if company is None:
        return None, False, Skipped.COMPANY_MISSING
    if not company.is_active:
        return None, False, Skipped.COMPANY_INACTIVE
    employment = EmploymentDetails.objects.create(
        person=person,
        company=company,
        employment_id=new_hire.employment_id,
        hire_date=new_hire.hire_date,
        termination_date=None,
    )
    return employment, True, None


def choose_new_starter_process():
    """The latest-created active 'with absences' New Starter process, else 'without absences'."""
    for kind in Process.NEW_STARTER_KINDS:
        process = (
            Process.objects.filter(kind=kind, is_active=True).order_by("-created_at", "-id").first()
        )
        if process is not None:
            return process
    return None


def administrator_problem(administrator):
    if administrator is None:
        return Skipped.ADMINISTRATOR_MISSING
    if not administrator.is_active:
        return Skipped.ADMINISTRATOR_INACTIVE
    if not is_hr_professional(administrator):
        return Skipped.ADMINISTRATOR_NOT_HR_PROFESSIONAL
    return None


def find_or_create_task(person, process, administrator):
    """(task, created, skipped). At most one open New Starter task per person."""
    existing = person.tasks.filter(is_new_starter=True, status=Task.Status.OPEN).first()
    if existing is not None:
        return existing, False, None
    if process is None:
        return None, False, Skipped.NO_NEW_STARTER_PROCESS
    problem = administrator_problem(administrator)
    if problem is not None:
        return None, False, problem
    task = Task.objects.create(process=process, person=person, assigned_to=administrator)
    return task, True, None
