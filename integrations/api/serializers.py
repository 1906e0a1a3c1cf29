"""Lever endpoints' JSON. Secrets never leave: the signature token can be set (write-only) but
is never read back, and the OAuth tokens are not fields at all."""

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from rest_framework import serializers

from hr.models import Company
from hr.roles import hr_professionals
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery


class IntegrationConfigSerializer(serializers.ModelSerializer):
    signature_token = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=False,
        max_length=500,
        style={"input_type": "password"},
        help_text="The Candidate Hired webhook's signature token. Write-only: never returned.",
    )
    has_signature_token = serializers.SerializerMethodField()
    new_hire_administrator = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), allow_null=True, required=False
    )
    default_company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = IntegrationConfig
        fields = [
            "id",
            "subdomain",
            "signature_token",
            "has_signature_token",
            "new_hire_administrator",
            "default_company",
            "is_enabled",
            "status",
            "authorised_at",
            "authorised_by",
            "lever_account_id",
            "token_expires_at",
            "created_at",
            "updated_at",
        ]
        # Enabling, authorising and disabling happen on the Details screen, where the OAuth
        # flow and the erasing of tokens go with them.
        read_only_fields = [
            "is_enabled",
            "status",
            "authorised_at",
            "authorised_by",
            "lever_account_id",
            "token_expires_at",
        ]

    def get_has_signature_token(self, config) -> bool:
        return bool(config.signature_token)

    def validate_subdomain(self, subdomain):
        others = IntegrationConfig.objects.annotate(lower=Lower("subdomain")).filter(
            lower=subdomain.lower()
        )
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A Lever integration with this subdomain exists.")
        return subdomain

    def validate_new_hire_administrator(self, user):
        if user is not None and not hr_professionals().filter(pk=user.pk).exists():
            raise serializers.ValidationError(
                "The New Hire Administrator must be an active HR Professional."
            )
        return user

    def validate_default_company(self, company):
        if company is not None and not company.is_active:
            raise serializers.ValidationError("The default company must be active.")
        return company


class LogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LogEntry
        fields = [
            "id",
            "config",
            "level",
            "message",
            "person",
            "delivery",
            "opportunity_id",
            "created_at",
        ]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    payload = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "config",
            "event",
            "token",
            "triggered_at",
            "payload",
            "opportunity_id",
            "contact_id",
            "status",
            "attempts",
            "last_error",
            "received_at",
            "next_attempt_at",
            "processed_at",
        ]
        read_only_fields = fields

    def get_payload(self, delivery) -> dict:
        # The body as Lever sent it, less its signature: no reason to hand that around.
        payload = delivery.payload
        if isinstance(payload, dict):
            return {key: value for key, value in payload.items() if key != "signature"}
        return payload
