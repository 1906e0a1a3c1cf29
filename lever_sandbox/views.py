"""The sandbox's Lever pages: login, candidates, webhooks, authorized apps, settings.

Every page belongs to the logged-in sandbox user's account. Views that send a webhook keep no
transaction open while they do (ATOMIC_REQUESTS is off, and the services commit first).
"""

from django.contrib import messages
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from lever_sandbox import accounts, candidates, oauth, ratelimit, session, webhooks
from lever_sandbox.forms import (
    AccountSettingsForm,
    ArchiveForm,
    CandidateForm,
    LoginForm,
    PhoneFormSet,
    StageForm,
    WebhookSettingsForm,
)
from lever_sandbox.models import Candidate, OAuthApp, WebhookRequest


@require_http_methods(["GET", "POST"])
def login(request):
    accounts.get_default_account()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = accounts.authenticate(form.cleaned_data["email"], form.cleaned_data["password"])
        if user is not None:
            session.login(request, user)
            return redirect(next_url or "lever_sandbox:candidates")
        form.add_error(None, "That e-mail and password do not match a sandbox user.")
    return render(
        request,
        "lever_sandbox/login.html",
        {
            "form": form,
            "next": next_url,
            "default_email": accounts.DEFAULT_ADMIN_EMAIL,
            "recruiter_email": accounts.DEFAULT_RECRUITER_EMAIL,
            "default_password": accounts.DEFAULT_PASSWORD,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def logout(request):
    session.logout(request)
    return redirect("lever_sandbox:login")


@session.login_required
def candidate_list(request):
    account = request.sandbox_user.account
    rows = account.candidates.select_related("stage", "archive_reason")
    return render(request, "lever_sandbox/candidate_list.html", {"candidates": rows})


@session.login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request):
    account = request.sandbox_user.account
    form = CandidateForm(request.POST or None, account=account)
    phones = PhoneFormSet(request.POST or None, prefix="phones")
    if request.method == "POST" and form.is_valid() and phones.is_valid():
        data = form.cleaned_data
        candidate = candidates.create_candidate(
            account,
            data["name"],
            emails=data["emails"],
            phones=[p for p in (f.phone() for f in phones) if p],
            stage=data["stage"],
            headline=data["headline"],
            location=data["location"],
            tags=data["tags"],
            sources=data["sources"],
            origin=data["origin"],
        )
        messages.success(request, f"{candidate.name} was added.")
        return redirect(candidate)
    return render(request, "lever_sandbox/candidate_form.html", {"form": form, "phones": phones})


def _candidate(request, pk):
    return get_object_or_404(
        Candidate.objects.select_related("stage", "archive_reason"),
        pk=pk,
        account=request.sandbox_user.account,
    )


@session.login_required
def candidate_detail(request, pk):
    candidate = _candidate(request, pk)
    account = candidate.account
    return render(
        request,
        "lever_sandbox/candidate_detail.html",
        {
            "candidate": candidate,
            "stage_form": StageForm(account=account, initial={"stage": candidate.stage}),
            "archive_form": ArchiveForm(account=account),
            "webhook": account.webhook,
            "requests": candidate.webhook_requests.all()[:50],
            "api_json": candidates.opportunity_json(candidate, request),
        },
    )


@session.login_required
@require_POST
def candidate_hire(request, pk):
    candidate = _candidate(request, pk)
    if candidate.is_hired:
        # As in Lever: to hire again (and send a new webhook), move them to a stage first.
        messages.error(request, f"{candidate.name} is already hired. Move them to a stage first.")
        return redirect(candidate)
    sent = candidates.mark_hired(candidate)
    _report_delivery(request, sent, f"{candidate.name} is hired.")
    return redirect(candidate)


@session.login_required
@require_POST
def candidate_stage(request, pk):
    candidate = _candidate(request, pk)
    form = StageForm(request.POST, account=candidate.account)
    if form.is_valid():
        candidates.move_to_stage(candidate, form.cleaned_data["stage"])
        messages.success(request, f"{candidate.name} moved to {candidate.stage}.")
    else:
        messages.error(request, "Choose a stage from the list.")
    return redirect(candidate)


@session.login_required
@require_POST
def candidate_archive(request, pk):
    candidate = _candidate(request, pk)
    form = ArchiveForm(request.POST, account=candidate.account)
    if form.is_valid():
        candidates.archive_not_hired(candidate, form.cleaned_data["reason"])
        messages.success(request, f"{candidate.name} archived: {candidate.archive_reason}.")
    else:
        messages.error(request, "Choose an archive reason from the list.")
    return redirect(candidate)


@session.login_required
@require_http_methods(["GET", "POST"])
def webhook_settings(request):
    account = request.sandbox_user.account
    form = WebhookSettingsForm(request.POST or None, instance=account.webhook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Webhook settings saved.")
        return redirect("lever_sandbox:webhooks")
    return render(
        request,
        "lever_sandbox/webhooks.html",
        {
            "form": form,
            "webhook": account.webhook,
            "requests": WebhookRequest.objects.filter(account=account).select_related("candidate")[
                :100
            ],
        },
    )


@session.login_required
@require_POST
def webhook_regenerate_token(request):
    webhook = request.sandbox_user.account.webhook
    webhook.signature_token = accounts.new_signature_token()
    webhook.save(update_fields=["signature_token"])
    messages.success(request, "A new signature token was generated. Copy it to the Details screen.")
    return redirect("lever_sandbox:webhooks")


@session.login_required
@require_POST
def webhook_verify(request):
    account = request.sandbox_user.account
    if not account.webhook.url:
        messages.error(request, "Enter a webhook URL first.")
        return redirect("lever_sandbox:webhooks")
    _report_delivery(request, webhooks.verify(account), "Verification request sent.")
    return redirect("lever_sandbox:webhooks")


@session.login_required
@require_POST
def webhook_rerun(request, pk):
    past = get_object_or_404(WebhookRequest, pk=pk, account=request.sandbox_user.account)
    _report_delivery(request, webhooks.rerun(past), "Request sent again.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("lever_sandbox:webhooks")


def _report_delivery(request, sent, done):
    if sent is None:
        messages.warning(request, f"{done} No webhook was sent: the webhook is off or has no URL.")
    elif sent.succeeded:
        messages.success(request, f"{done} The webhook answered {sent.status_code}.")
    elif sent.status_code is not None:
        messages.error(request, f"{done} The webhook failed: it answered {sent.status_code}.")
    else:
        messages.error(request, f"{done} The webhook could not be reached: {sent.error}")


@session.login_required
def authorized_apps(request):
    account = request.sandbox_user.account
    apps = (
        OAuthApp.objects.filter(grants__account=account)
        .annotate(
            active_grants=Count("grants", filter=Q(grants__revoked_at=None)),
            last_authorised_at=Max("grants__created_at"),
            token_calls=Sum("grants__token_calls"),
        )
        .order_by("name")
    )
    grants = account.grants.select_related("app", "user")[:100]
    return render(request, "lever_sandbox/authorized_apps.html", {"apps": apps, "grants": grants})


@session.login_required
@require_POST
def revoke_app(request, pk):
    account = request.sandbox_user.account
    if not request.sandbox_user.is_super_admin:
        messages.error(request, "Only a Super Admin can revoke an app's access.")
        return redirect("lever_sandbox:authorized_apps")
    app = get_object_or_404(OAuthApp, pk=pk)
    if not account.grants.filter(app=app).exists():
        raise Http404("This app was never authorised on this account.")
    revoked = oauth.revoke_app(account, app)
    messages.success(request, f"Access revoked for {app.name} ({revoked} grant(s)).")
    return redirect("lever_sandbox:authorized_apps")


@session.login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    account = request.sandbox_user.account
    form = AccountSettingsForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        ratelimit.reset(account)
        messages.success(request, "Settings saved.")
        return redirect("lever_sandbox:settings")
    return render(request, "lever_sandbox/settings.html", {"form": form, "account": account})
