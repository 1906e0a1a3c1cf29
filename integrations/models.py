"""The Lever connection: one config per Lever account, every webhook delivery raw, and the Log."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from hr.models import Company, Person, optional_user
from hr.roles import HR_PROFESSIONAL_GROUP
from integrations.fields import EncryptedTextField

subdomain_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$",
    "Use the company name from your Lever webhook URL: letters, digits and hyphens only.",
)


class IntegrationConfig(models.Model):
    """The *Details* screen: one Lever account connected to this HR system."""

    class Status(models.TextChoices):
        NOT_AUTHORISED = "not_authorised", "Not authorised"
        AUTHORISED = "authorised", "Authorised"
        REVOKED = "revoked", "Access revoked"
        DISABLED = "disabled", "Disabled"

    subdomain = models.CharField(
        max_length=63,
        validators=[subdomain_validator],
        help_text="Your company's subdomain as in the Webhook URL in Lever, e.g. CezanneHR.",
    )
    signature_token = EncryptedTextField(
        blank=True,
        help_text="The Candidate Hired webhook's signature token, from Lever's Webhooks page.",
    )
    new_hire_administrator = optional_user(
        limit_choices_to={"is_active": True, "groups__name": HR_PROFESSIONAL_GROUP},
        help_text="The HR Professional who receives each new starter's New Starter task.",
    )
    default_company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_active": True},
        verbose_name="new hire default company",
        help_text="The company every new hire is employed in (changeable per person later).",
    )
    is_enabled = models.BooleanField(default=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_AUTHORISED)
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = optional_user()
    lever_account_id = models.CharField(max_length=100, blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subdomain"]
        verbose_name = "Lever integration"
        verbose_name_plural = "Lever integrations"
        constraints = [
            models.UniqueConstraint(
                Lower("subdomain"), name="integrationconfig_unique_subdomain_ci"
            ),
        ]
        permissions = [
            ("manage_lever_integration", "Can manage (add, authorise, disable) Lever integrations"),
        ]

    def __str__(self):
        return self.subdomain

    def webhook_path(self):
        return reverse("lever-webhook", kwargs={"subdomain": self.subdomain})

    @property
    def is_usable(self):
        """Whether hires for this account can be processed now."""
        return self.is_enabled and self.status == self.Status.AUTHORISED


class LeverRateLimit(models.Model):
    """The next free slot for a call to one Lever account, shared by every worker process.

    Each caller reserves a slot under a row lock (slot = max(now, next_slot_at);
    next_slot_at = slot + 1/rate) and sleeps until it, so all workers together stay within
    LEVER_RATE_LIMIT_PER_SECOND. Kept apart from the config row so token refreshes and rate
    limiting do not wait on each other's locks.
    """

    config = models.OneToOneField(
        IntegrationConfig, on_delete=models.CASCADE, related_name="rate_limit"
    )
    next_slot_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Rate limit for {self.config}"


class WebhookDelivery(models.Model):
    """Every accepted webhook POST, stored raw before any processing."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        IGNORED = "ignored", "Ignored"

    FINAL_STATUSES = (Status.PROCESSED, Status.FAILED, Status.IGNORED)

    config = models.ForeignKey(
        IntegrationConfig, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=64)
    token = models.CharField(max_length=255)
    triggered_at = models.DateTimeField()
    payload = models.JSONField()
    opportunity_id = models.CharField(max_length=64, blank=True, db_index=True)
    contact_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the next attempt is due (retries back off); null means "as soon as possible".
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it: a claim older than the lease is taken as abandoned.
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # Lever replays and retries: a token seen before for this account is not stored again.
            models.UniqueConstraint(fields=["config", "token"], name="delivery_unique_token"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} {self.opportunity_id or '-'} ({self.get_status_display()})"


class LogEntry(models.Model):
    """The *Log* screen: what happened to each hire, written for an HR professional."""

    class Level(models.TextChoices):
        INFO = "info", "Information"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    config = models.ForeignKey(
        IntegrationConfig,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
    )
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    message = models.TextField()
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="lever_log_entries"
    )
    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
    )
    opportunity_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "log entry"
        verbose_name_plural = "log"

    def __str__(self):
        return f"{self.get_level_display()}: {self.message[:80]}"
