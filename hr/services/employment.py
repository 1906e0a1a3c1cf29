"""Employment Details rules shared by the New Starter task page and the REST API."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hr.models import EmploymentDetails


def inactive_company_problem(company):
    """Why a company cannot take new employment, or None if it can."""
    if company is not None and not company.is_active:
        return (
            f"The company {company} is inactive. Choose an active company, or reactivate it "
            "under HR > Companies."
        )
    return None


def current_employment(person):
    """The employment a new starter is being hired into: the latest one not yet ended."""
    today = timezone.localdate()
    return (
        person.employments.select_related("company")
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=today))
        .order_by("-hire_date", "-id")
        .first()
    )


@dataclass(frozen=True)
class EmploymentSaved:
    employment: EmploymentDetails
    created: bool


@transaction.atomic
def save_employment(person, *, company, hire_date, employment_id):
    """Correct the person's current employment, or create one if they have none.

    Raises ValueError (with a message for the user) if the company is inactive or the hire date
    falls after an agreed termination date.
    """
    problem = inactive_company_problem(company)
    if problem:
        raise ValueError(problem)
    employment = current_employment(person)
    if employment is None:
        employment = EmploymentDetails(person=person)
    if employment.termination_date and hire_date > employment.termination_date:
        raise ValueError(
            f"The hire date must be on or before the termination date "
            f"({employment.termination_date:%d/%m/%Y})."
        )
    created = employment.pk is None
    employment.company = company
    employment.hire_date = hire_date
    employment.employment_id = employment_id
    employment.save()
    return EmploymentSaved(employment=employment, created=created)
