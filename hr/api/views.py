"""HR endpoints. Reads need the model's view permission, writes its add/change/delete one
(cezanne_lever.api.ModelPermissionsWithView, the default)."""

from functools import partial

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cezanne_lever.api import (
    IntegrityConflictMixin,
    ModelChangePermission,
    ProtectedDeleteMixin,
)
from hr import notifications
from hr.api import filters, serializers
from hr.models import Company, EmploymentDetails, Person, Process, Task
from hr.services import tasks as task_services

OUTCOME_RESPONSES = {
    200: serializers.OutcomeSerializer,
    403: serializers.OutcomeSerializer,
    409: serializers.OutcomeSerializer,
}


class CompanyViewSet(IntegrityConflictMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Company.objects.all()
    serializer_class = serializers.CompanySerializer
    filterset_fields = ["code", "is_active"]
    protected_delete_message = (
        "People are employed in this company, so it cannot be deleted. Deactivate it instead "
        "(is_active: false)."
    )


class ProcessViewSet(IntegrityConflictMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    queryset = Process.objects.all()
    serializer_class = serializers.ProcessSerializer
    filterset_fields = ["kind", "is_active"]
    protected_delete_message = (
        "This process has tasks, so it cannot be deleted. Deactivate it instead (is_active: false)."
    )


class PersonViewSet(IntegrityConflictMixin, viewsets.ModelViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter


class EmploymentDetailsViewSet(IntegrityConflictMixin, viewsets.ModelViewSet):
    queryset = EmploymentDetails.objects.all()
    serializer_class = serializers.EmploymentDetailsSerializer
    filterset_class = filters.EmploymentDetailsFilter


class TaskViewSet(IntegrityConflictMixin, viewsets.ModelViewSet):
    queryset = Task.objects.all()
    serializer_class = serializers.TaskSerializer
    filterset_class = filters.TaskFilter
    # No PUT/PATCH: a task changes only by being completed or reassigned (actions below).
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        transaction.on_commit(partial(notifications.notify_task_assigned, serializer.instance))

    def _outcome_response(self, outcome):
        if outcome.ok:
            code = status.HTTP_200_OK
        elif outcome.forbidden:
            code = status.HTTP_403_FORBIDDEN
        else:
            code = status.HTTP_409_CONFLICT
        return Response({"detail": outcome.message}, status=code)

    @extend_schema(
        request=None,
        responses=OUTCOME_RESPONSES,
    )
    @action(detail=True, methods=["post"], permission_classes=[ModelChangePermission])
    def complete(self, request, pk=None):
        """Complete the task: the person must have Employment Details in an active company."""
        return self._outcome_response(task_services.complete_task(self.get_object(), request.user))

    @extend_schema(
        request=serializers.ReassignSerializer,
        responses=OUTCOME_RESPONSES,
    )
    @action(detail=True, methods=["post"], permission_classes=[ModelChangePermission])
    def reassign(self, request, pk=None):
        """Hand the task to another active HR Professional (logged, and e-mailed to them)."""
        task = self.get_object()
        body = serializers.ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new_assignee = body.validated_data["assigned_to"]
        outcome = task_services.reassign_task(task, new_assignee, request.user)
        return self._outcome_response(outcome)
