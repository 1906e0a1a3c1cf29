"""The field table: a Lever opportunity (the API's `data` object) -> NewHire (SPEC section 8).

Person code and Employment ID are "LEV-" followed by the Lever contact id's 32 hex digits in
capitals (a contact id is a UUID), e.g. LEV-0F5D3C6A2B1E4D7A9C8B7A6F5E4D3C2B: the same person gets
the same code on every opportunity and re-hire, two contacts never share one, and HR can read the
contact id back from it. An id that is not a UUID is hashed (SHA-256, first 32 hex digits) so
the code always fits the 40-character field. Without a contact the opportunity id is used.
"""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from nameparser import HumanName

from hr.models import Person
from hr.services.hires import NewHire

PERSON_CODE_PREFIX = "LEV-"
PHONE_FIELDS = {
    "home": "home_number",
    "work": "work_number",
    "mobile": "mobile_number",
    "other": "other_number",
    "skype": "skype_name",
}


class MappingError(Exception):
    """The opportunity lacks something a person cannot be created without (said for HR)."""


def map_opportunity(opportunity):
    """NewHire from an opportunity. Raises MappingError when Lever has no usable name."""
    opportunity_id = str(opportunity.get("id") or "")
    contact_id = contact_id_of(opportunity)
    first, middle, last, warnings = split_name(opportunity.get("name"))
    code = person_code(contact_id or opportunity_id)
    email, email_warnings = first_email(opportunity.get("emails"))
    full_name = f"{first} {last}".strip()
    return NewHire(
        person_code=code,
        employment_id=code,
        first_name=fit("first_name", first),
        middle_names=fit("middle_names", middle),
        surname=fit("surname", last),
        known_as=fit("known_as", first),
        full_name=fit("full_name", full_name),
        legal_name=fit("legal_name", full_name),
        external_email=email,
        lever_contact_id=fit("lever_contact_id", contact_id),
        lever_opportunity_id=fit("lever_opportunity_id", opportunity_id),
        hire_date=timezone.localdate(),
        warnings=(*warnings, *email_warnings),
        **phones_by_field(opportunity.get("phones")),
    )


def contact_id_of(opportunity):
    contact = opportunity.get("contact")
    if isinstance(contact, dict):  # with expand=contact
        contact = contact.get("id")
    return contact if isinstance(contact, str) else ""


def person_code(lever_id):
    try:
        digits = uuid.UUID(lever_id).hex
    except (ValueError, TypeError, AttributeError):
        digits = hashlib.sha256(str(lever_id).encode()).hexdigest()[:32]
    return PERSON_CODE_PREFIX + digits.upper()


def split_name(raw_name):
    """(first, middle, last, warnings). Titles, suffixes and nicknames are dropped; particles
    stay with the surname ("van der Berg"); a one-word name becomes the surname."""
    name = HumanName(without_nul(raw_name).strip() if isinstance(raw_name, str) else "")
    first, middle, last = name.first.strip(), name.middle.strip(), name.last.strip()
    if not last and first:
        first, last = "", first
    if not last:
        raise MappingError(
            "Lever has no name for this candidate, so no person record could be created. Add "
            "their name in Lever, then move them to another stage and back to Hired."
        )
    warnings = []
    if not first:
        warnings.append(
            f"Lever gave only one name, “{last}”, so it was used as the surname and the first "
            "name was left empty. Check the person's name in Cezanne HR and add the first name."
        )
    return first, middle, last, warnings


def phones_by_field(phones):
    """Each Lever phone type to its HR field; an untyped phone fills Other Number if it is free."""
    values = {}
    untyped = []
    for phone in phones if isinstance(phones, list) else []:
        if not isinstance(phone, dict) or not isinstance(phone.get("value"), str):
            continue
        value = phone["value"].strip()
        field_name = PHONE_FIELDS.get(phone.get("type"))
        if not value:
            continue
        if field_name is None:
            untyped.append(value)
        else:
            values.setdefault(field_name, fit(field_name, value))
    if "other_number" not in values and untyped:
        values["other_number"] = fit("other_number", untyped[0])
    return values


def first_email(emails):
    """(e-mail, warnings): Lever's first address, if it is one."""
    if not isinstance(emails, list) or not emails:
        return "", []
    candidate = without_nul(str(emails[0])).strip()
    try:
        validate_email(candidate)
        if len(candidate) > Person._meta.get_field("external_email").max_length:
            raise ValidationError("too long")
    except ValidationError:
        return "", [
            f"Lever's e-mail address “{candidate[:100]}” is not valid, so External E-mail was "
            "left empty. Add it on the person's record."
        ]
    return candidate, []


def archive_reason_id(opportunity):
    """The archive reason id if the opportunity is archived, else "".

    Lever's current shape is `archived: {archivedAt, reason}`; older payloads have top-level
    `archivedAt` and `archiveReason`. Both are accepted.
    """
    archived = opportunity.get("archived")
    if isinstance(archived, dict) and archived.get("archivedAt"):
        reason = archived.get("reason")
    elif opportunity.get("archivedAt"):
        reason = opportunity.get("archiveReason")
    else:
        return ""
    return reason if isinstance(reason, str) else ""


def fit(field_name, value):
    """Cut a value to the Person field's length, so an overlong one cannot fail the hire (nor a
    NUL character, which PostgreSQL refuses in text)."""
    return without_nul(value)[: Person._meta.get_field(field_name).max_length]


def without_nul(text):
    return text.replace("\x00", "")
