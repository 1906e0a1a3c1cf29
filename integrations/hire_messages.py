"""What the Log says about each hire, in plain words for an HR professional: who, what happened,
and what to do about it. integrations.hiring decides what happened; this module only phrases it.
"""

from hr.services.hires import Skipped

RETRY_HINT = (
    "then press Retry on this entry (or move the candidate to another stage in Lever and back "
    "to Hired)"
)


def who(new_hire):
    return f"{new_hire.display_name} (person code {new_hire.person_code})"


def user_name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else "nobody"


# --- Outcomes of a processed hire ------------------------------------------------------------


def person_existed(new_hire, filled_fields):
    message = f"{who(new_hire)} already existed in Cezanne HR, so their record was not overwritten."
    if filled_fields:
        labels = ", ".join(field.replace("_", " ") for field in filled_fields)
        message += f" These empty fields were filled in from Lever: {labels}."
    return message


def records_created(new_hire, result, company):
    parts = []
    if result.person_created:
        parts.append("the person record")
    if result.employment_created:
        parts.append(f"Employment Details in {company.code} ({company.name})")
    if result.task_created:
        parts.append(
            f"the “{result.process.name}” task for {user_name(result.task.assigned_to)}, who has "
            "been e-mailed"
        )
    created = ", ".join(parts)
    if result.task_created:
        return f"New Hire Process started for {who(new_hire)}: created {created}."
    return f"Completed the records of {who(new_hire)}: created {created}."


def nothing_new(new_hire):
    return (
        f"The hire of {who(new_hire)} was received again. Their person record, Employment "
        "Details and New Starter task already exist, so nothing was changed."
    )


def skipped(reason, new_hire, *, company=None, administrator=None):
    name = who(new_hire)
    if reason == Skipped.COMPANY_MISSING:
        return (
            f"Employment Details were not created for {name}: the Lever integration has no "
            "default company (it may have been deleted). Add the employment details in the New "
            "Starter process. To prevent this for the next new starter, choose an active New "
            "Hire Default Company on the integration's Details screen; pressing Retry on this "
            "entry afterwards creates the missing Employment Details."
        )
    if reason == Skipped.COMPANY_INACTIVE:
        return (
            f"Employment Details were not created for {name}: the default company "
            f"{company.code} ({company.name}) is inactive. Add the employment details in the New "
            "Starter process. To prevent this for the next new starter, change the New Hire "
            "Default Company on the integration's Details screen to an active one; pressing "
            "Retry on this entry afterwards creates the missing Employment Details."
        )
    if reason == Skipped.NO_NEW_STARTER_PROCESS:
        return (
            f"The New Starter task was not created for {name}: no New Starter process is "
            "active. Activate an “Enter a New Starter” or “Enter a New Starter (Without "
            f"Absences)” process, {RETRY_HINT}."
        )
    if reason == Skipped.ADMINISTRATOR_MISSING:
        return (
            f"The New Starter task was not created for {name}: the integration has no New Hire "
            "Administrator (their user account may have been deleted). Choose an active HR "
            f"Professional as New Hire Administrator on the Details screen, {RETRY_HINT}."
        )
    if reason == Skipped.ADMINISTRATOR_INACTIVE:
        return (
            f"The New Starter task was not created for {name}: the New Hire Administrator "
            f"{user_name(administrator)} is no longer active. Reactivate their account or choose "
            f"another HR Professional on the Details screen, {RETRY_HINT}."
        )
    if reason == Skipped.ADMINISTRATOR_NOT_HR_PROFESSIONAL:
        return (
            f"The New Starter task was not created for {name}: the New Hire Administrator "
            f"{user_name(administrator)} is not an HR Professional. Add them to the HR "
            "Professional group or choose another HR Professional on the Details screen, "
            f"{RETRY_HINT}."
        )
    raise ValueError(reason)


# --- Hires that were not processed -----------------------------------------------------------


def opportunity_label(opportunity_id, name=""):
    return (
        f"{name} (Lever opportunity {opportunity_id})"
        if name
        else (f"Lever opportunity {opportunity_id}")
    )


def not_hired(opportunity_id, name, reason_text=""):
    state = (
        f"archived in Lever as “{reason_text}”, which is not a hired reason"
        if reason_text
        else "not marked Hired in Lever any more"
    )
    return (
        f"{opportunity_label(opportunity_id, name)} is {state}, so nothing was created. If they "
        "were hired, move them to another stage in Lever and back to Hired."
    )


def config_unusable(config, opportunity_id):
    what = f"A hire from Lever ({opportunity_label(opportunity_id)}) was not processed"
    if not config.is_enabled or config.status == config.Status.DISABLED:
        return (
            f"{what} because the Lever integration {config.subdomain} is disabled. Enable and "
            "authorise it on the Details screen, then press Retry on this entry."
        )
    if config.status == config.Status.REVOKED:
        return (
            f"{what} because access to Lever was revoked. An administrator must authorise the "
            "integration again on the Details screen; then press Retry on this entry."
        )
    return (
        f"{what} because the Lever integration {config.subdomain} is not authorised with Lever "
        "yet. Authorise it on the Details screen, then press Retry on this entry."
    )


def no_opportunity():
    return (
        "Lever sent a Candidate Hired notice without an opportunity id, so there was nothing to "
        "fetch and nothing was created. Move the candidate to another stage in Lever and back to "
        "Hired to send it again."
    )


def access_revoked(opportunity_id):
    return (
        f"The hire of {opportunity_label(opportunity_id)} could not be fetched because access "
        "to Lever has been revoked, so nothing was created. An administrator must authorise the "
        "integration again on the Details screen; then press Retry on this entry."
    )


def not_found(opportunity_id):
    return (
        f"Lever has no {opportunity_label(opportunity_id)} (the candidate may have been deleted "
        "or anonymised in Lever), so nothing was created. If the candidate exists in Lever, move "
        "them to another stage and back to Hired."
    )


def refused(opportunity_id, error):
    return (
        f"Lever refused to give the details of {opportunity_label(opportunity_id)} "
        f"({describe(error)}), so nothing was created. Check that the integration is authorised "
        "with all the permissions it asks for (authorise it again on the Details screen), then "
        "press Retry on this entry."
    )


def retrying(opportunity_id, error):
    return (
        f"Lever is not answering for the hire of {opportunity_label(opportunity_id)} "
        f"({describe(error)}). It will be tried again automatically; nothing to do yet."
    )


def gave_up(opportunity_id, attempts, error):
    return (
        f"Lever could not be reached for the hire of {opportunity_label(opportunity_id)} after "
        f"{attempts} attempts (last problem: {describe(error)}), so nothing was created. Press "
        "Retry on this entry once Lever is available again."
    )


def unexpected(opportunity_id):
    return (
        f"The hire of {opportunity_label(opportunity_id)} could not be processed because of an "
        "unexpected error in Cezanne HR, so it may be incomplete. Press Retry on this entry; if "
        "it fails again, contact your system administrator."
    )


def retry_requested(user, opportunity_id):
    return (
        f"{user_name(user)} asked to retry the hire of {opportunity_label(opportunity_id)}. "
        "Missing records will be created; existing ones are kept."
    )


def describe(error):
    """Lever errors already read as a sentence that names the HTTP status and what was asked."""
    return (str(error) or error.__class__.__name__).rstrip(".")
