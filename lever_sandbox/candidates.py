"""What a recruiter does to a candidate in the sandbox, and how Lever's API shows a candidate.

Hiring archives the opportunity with the account's hired reason and sends the Candidate Hired
webhook. The database work commits before the webhook leaves: the receiving endpoint may be in
this same Django server, and on SQLite a write lock held across the call would deadlock it.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lever_sandbox import webhooks
from lever_sandbox.accounts import first_stage, hired_reason
from lever_sandbox.models import ArchiveReason, Candidate

PHONE_TYPES = ["mobile", "home", "work", "other", "skype"]


def create_candidate(
    account,
    name,
    *,
    emails=(),
    phones=(),
    stage=None,
    headline="",
    location="",
    tags=(),
    sources=(),
    origin=Candidate.Origin.SOURCED,
):
    """phones: [{"type": "mobile"|"home"|"work"|"other"|"skype"|None, "value": "..."}]."""
    return Candidate.objects.create(
        account=account,
        name=name,
        emails=list(emails),
        phones=[{"type": p.get("type"), "value": p["value"]} for p in phones],
        stage=stage or first_stage(account),
        headline=headline,
        location=location,
        tags=list(tags),
        sources=list(sources),
        origin=origin,
    )


def mark_hired(candidate):
    """Archive as hired and send candidateHired. Returns the WebhookRequest, or None when the
    webhook is off or has no URL (the candidate is hired all the same, as in Lever)."""
    with transaction.atomic():
        _archive(candidate, hired_reason(candidate.account))
        body = webhooks.build_event(candidate.account, "candidateHired", candidate)
    return webhooks.deliver_event(candidate.account, body, candidate=candidate)


def archive_not_hired(candidate, reason):
    if reason.type != ArchiveReason.Type.NON_HIRED or reason.account_id != candidate.account_id:
        raise ValueError("Choose one of the account's non-hired archive reasons.")
    _archive(candidate, reason)


def move_to_stage(candidate, stage):
    """Unarchive (if archived) and put the candidate in another stage."""
    if stage.account_id != candidate.account_id:
        raise ValueError("Choose one of the account's stages.")
    candidate.stage = stage
    candidate.archived_at = None
    candidate.archive_reason = None
    candidate.save(update_fields=["stage", "archived_at", "archive_reason", "updated_at"])


def _archive(candidate, reason):
    candidate.archived_at = timezone.now()
    candidate.archive_reason = reason
    candidate.save(update_fields=["archived_at", "archive_reason", "updated_at"])


def to_millis(moment):
    return int(moment.timestamp() * 1000) if moment else None


def opportunity_json(candidate, request=None, expand=()):
    """The `data` object of GET /opportunities/<id>, with the fields Lever documents."""
    show_path = reverse("lever_sandbox:candidate", args=[candidate.pk])
    list_path = reverse("lever_sandbox:candidates")
    build = request.build_absolute_uri if request is not None else (lambda path: path)
    archived = None
    if candidate.archived_at is not None:
        archived = {
            "archivedAt": to_millis(candidate.archived_at),
            "reason": str(candidate.archive_reason_id),
        }
    stage = str(candidate.stage_id)
    if "stage" in expand:
        stage = {"id": stage, "text": candidate.stage.text}
    contact = str(candidate.contact)
    if "contact" in expand:
        contact = {
            "id": contact,
            "name": candidate.name,
            "headline": candidate.headline,
            "isAnonymized": candidate.is_anonymized,
            "location": {"name": candidate.location} if candidate.location else None,
            "emails": candidate.emails,
            "phones": candidate.phones,
        }
    return {
        "id": str(candidate.pk),
        "name": candidate.name,
        "headline": candidate.headline,
        "contact": contact,
        "emails": candidate.emails,
        "phones": candidate.phones,
        "confidentiality": "non-confidential",
        "location": candidate.location,
        "links": [],
        "createdAt": to_millis(candidate.created_at),
        "updatedAt": to_millis(candidate.updated_at),
        "lastInteractionAt": to_millis(candidate.updated_at),
        "lastAdvancedAt": to_millis(candidate.updated_at),
        "snoozedUntil": None,
        "archived": archived,
        "stage": stage,
        "stageChanges": [],
        "owner": None,
        "tags": candidate.tags,
        "sources": candidate.sources,
        "origin": candidate.origin,
        "sourcedBy": None,
        "applications": [],
        "followers": [],
        "urls": {"list": build(list_path), "show": build(show_path)},
        "dataProtection": None,
        "isAnonymized": candidate.is_anonymized,
    }


def archive_reason_json(reason):
    return {"id": str(reason.pk), "text": reason.text, "status": reason.status, "type": reason.type}
