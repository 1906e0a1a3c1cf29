"""What every endpoint of the REST API shares: who may read or write, and how deletes that the
database refuses are answered."""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import DjangoModelPermissions


class ModelPermissionsWithView(DjangoModelPermissions):
    """Django model permissions, reads included: GET needs the model's `view_` permission.

    DRF's own class lets any authenticated user read; an HR system must not.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class ModelChangePermission(ModelPermissionsWithView):
    """For actions that change a record through POST (complete, reassign, retry)."""

    perms_map = {
        **ModelPermissionsWithView.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class IntegrityConflictMixin:
    """The serializers check every constraint they can; a write that still breaks one (two
    requests racing for the same unique value) is answered 409, never a 500."""

    integrity_conflict_message = (
        "This change conflicts with a record saved at the same moment. Reload and try again."
    )

    def _save_or_conflict(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as error:
            raise Conflict(self.integrity_conflict_message) from error

    def perform_create(self, serializer):
        self._save_or_conflict(serializer)

    def perform_update(self, serializer):
        self._save_or_conflict(serializer)


class ProtectedDeleteMixin:
    """A record other records depend on (a company with employments, a process with tasks) is
    not deleted: the answer is 409 with what to do instead, never a 500."""

    protected_delete_message = "This record is in use and cannot be deleted."

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            raise Conflict(self.protected_delete_message) from error
