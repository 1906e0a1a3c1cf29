"""Retry from the admin: one confirmation page for the Log's and the deliveries' Retry action,
and for the Retry link on a single entry. The work itself is integrations.hiring.retry_delivery.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from integrations import connection, hiring

TEMPLATE = "admin/integrations/retry_confirm.html"


def can_retry(user):
    """Only the people who manage the integration may re-run hires (SPEC section 4)."""
    return connection.can_manage(user)


def split_retryable(deliveries):
    retryable, not_retryable = [], []
    for delivery in deliveries:
        (retryable if hiring.can_retry(delivery) else not_retryable).append(delivery)
    return retryable, not_retryable


def confirm_or_retry(modeladmin, request, deliveries, *, action=None, selected=(), cancel_url):
    """The confirmation page on GET (or on the action's first POST); the retry on confirmation.
    Returns None after retrying, so an action goes back to its list."""
    deliveries = list({delivery.pk: delivery for delivery in deliveries}.values())
    retryable, not_retryable = split_retryable(deliveries)
    if request.method == "POST" and request.POST.get("post") == "yes":
        retried = sum(hiring.retry_delivery(d, requested_by=request.user) for d in retryable)
        if retried:
            modeladmin.message_user(
                request,
                f"{retried} hire(s) queued again. Missing records will be created; existing "
                "ones are kept. The outcome appears in the Log shortly.",
                messages.SUCCESS,
            )
        if not retried:
            modeladmin.message_user(request, "Nothing could be retried.", messages.WARNING)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Retry these hires?",
        "opts": modeladmin.model._meta,
        "retryable": retryable,
        "not_retryable": not_retryable,
        "action": action,
        "selected": selected,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "cancel_url": cancel_url,
    }
    return TemplateResponse(request, TEMPLATE, context)
