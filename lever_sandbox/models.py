"""The sandbox's own data: what Lever would keep for a customer account and for an OAuth app.

Nothing here is imported from the product: the sandbox plays Lever, and the product talks to it
over HTTP only. Secrets issued by the sandbox (authorisation codes, refresh tokens) are stored as
SHA-256 hashes, like any token server would; the webhook signature token is shown on the Webhooks
page on purpose, exactly as Lever shows it.
"""

import uuid

from django.db import models
from django.urls import reverse


class Account(models.Model):
    """A Lever customer account. Its id is the `https://oauth.lever.co/accountId` claim."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)

    # Knobs for tests and load tests; the defaults behave like Lever.
    access_token_lifetime_seconds = models.PositiveIntegerField(default=3600)
    rate_limit_per_second = models.FloatField(default=10.0)
    rate_limit_burst = models.PositiveIntegerField(default=20)
    rate_limit_sends_retry_after = models.BooleanField(
        default=False,
        help_text="Lever does not document a Retry-After header on 429; switch on to test both.",
    )
    latency_ms = models.PositiveIntegerField(default=0, help_text="Added to every API answer.")
    fault_rate = models.FloatField(
        default=0.0, help_text="Fraction (0 to 1) of API calls answered with the fault status."
    )
    fault_status = models.PositiveSmallIntegerField(default=500)

    # The token bucket, shared by every process through the database (see ratelimit.py).
    bucket_tokens = models.FloatField(null=True, blank=True)
    bucket_updated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="lever_sandbox_one_default_account",
            )
        ]

    def __str__(self):
        return self.name


class SandboxUser(models.Model):
    """Someone who logs in to the sandbox's Lever. Separate from the product's Django users."""

    class Role(models.TextChoices):
        SUPER_ADMIN = "super_admin", "Super Admin"
        ADMIN = "admin", "Admin"
        TEAM_MEMBER = "team_member", "Team Member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUPER_ADMIN)
    password = models.CharField(max_length=128)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def is_super_admin(self):
        return self.role == self.Role.SUPER_ADMIN


class OAuthApp(models.Model):
    """A developer's app registered with Lever: the product, with LEVER_CLIENT_ID/SECRET."""

    client_id = models.CharField(max_length=200, unique=True)
    client_secret_hash = models.CharField(max_length=64)
    name = models.CharField(max_length=100, default="cezanne-lever HR")
    redirect_uris = models.TextField(
        help_text="One per line. A loopback URL (127.0.0.1, localhost, testserver) matches on "
        "any port, so that tests on a random port can use the same registration."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    def redirect_uri_list(self):
        return [line.strip() for line in self.redirect_uris.splitlines() if line.strip()]


class Grant(models.Model):
    """One consent: an app authorised by a Super Admin on an account, until revoked."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grants")
    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(SandboxUser, on_delete=models.SET_NULL, null=True, related_name="+")
    scope = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    # Every call to the token endpoint that names this grant (by code or refresh token),
    # successful or not: tests assert on these to prove "one refresh at a time".
    token_calls = models.PositiveIntegerField(default=0)
    refresh_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.app} on {self.account}"

    @property
    def is_active(self):
        return self.revoked_at is None

    def scopes(self):
        return self.scope.split()


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=1000)
    scope = models.CharField(max_length=500)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The grant this code produced, revoked if the code is ever presented again (RFC 6749 4.1.2).
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, null=True, related_name="+")

    def __str__(self):
        return f"code for {self.app} (expires {self.expires_at:%H:%M:%S})"


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="refresh_tokens")
    created_at = models.DateTimeField()
    # Set when the token is exchanged: it has been rotated out, and presenting it again is reuse.
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"refresh token of grant {self.grant_id}"


class Stage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stages")
    text = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.text


class ArchiveReason(models.Model):
    class Type(models.TextChoices):
        HIRED = "hired", "Hired"
        NON_HIRED = "non-hired", "Not hired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="archive_reasons")
    text = models.CharField(max_length=100)
    type = models.CharField(max_length=20, choices=Type.choices)
    status = models.CharField(max_length=20, default="active")

    class Meta:
        ordering = ["type", "text"]

    def __str__(self):
        return self.text


class Candidate(models.Model):
    """An opportunity in Lever's terms: one candidacy of one contact."""

    class Origin(models.TextChoices):
        SOURCED = "sourced", "Sourced"
        APPLIED = "applied", "Applied"
        REFERRED = "referred", "Referred"
        AGENCY = "agency", "Agency"
        INTERNAL = "internal", "Internal"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="candidates")
    contact = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=200)
    headline = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    emails = models.JSONField(default=list)
    # [{"type": "mobile"|"home"|"work"|"skype"|"other"|None, "value": "..."}], as Lever sends them.
    phones = models.JSONField(default=list)
    tags = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.SOURCED)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    # Archiving keeps the stage, so unarchiving returns the candidate to it, as in Lever.
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_reason = models.ForeignKey(
        ArchiveReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_anonymized = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("lever_sandbox:candidate", args=[self.pk])

    @property
    def is_hired(self):
        return self.archive_reason is not None and self.archive_reason.type == "hired"


class WebhookSettings(models.Model):
    """The *Candidate Hired* webhook on the account's Webhooks page."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(max_length=500, blank=True)
    is_enabled = models.BooleanField(default=True)
    signature_token = models.CharField(max_length=100)

    def __str__(self):
        return f"Candidate Hired webhook of {self.account}"


class WebhookRequest(models.Model):
    """One attempt to deliver a webhook, as listed in Lever's delivery history."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="webhook_requests"
    )
    event = models.CharField(max_length=50)
    # The *Verify* ping: the same envelope with empty `data`.
    is_verify = models.BooleanField(default=False)
    url = models.CharField(max_length=500)
    # The exact bytes sent; a rerun sends them again unchanged (same token and signature).
    body = models.TextField()
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns"
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event} to {self.url} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300
