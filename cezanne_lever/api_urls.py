"""The REST API v4, mounted at /cezannehr/api/v4/ (SPEC section 11).

The lowercase `lever/` paths here are the API's; the OAuth and webhook endpoints live under
`Lever/` (capital L) in their own URL module, so the two never clash.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from hr.api import views as hr_views
from integrations.api import views as lever_views

app_name = "api"

router = DefaultRouter()
router.register("people", hr_views.PersonViewSet, basename="person")
router.register(
    "employment-details", hr_views.EmploymentDetailsViewSet, basename="employment-details"
)
router.register("companies", hr_views.CompanyViewSet, basename="company")
router.register("processes", hr_views.ProcessViewSet, basename="process")
router.register("tasks", hr_views.TaskViewSet, basename="task")
router.register("lever/configs", lever_views.IntegrationConfigViewSet, basename="lever-config")
router.register("lever/log", lever_views.LogEntryViewSet, basename="lever-log")
# `POST lever/deliveries/<id>/retry/` is an action on WebhookDeliveryViewSet (see the note
# there); the router publishes it as "api:lever-delivery-retry" once it is added.
router.register("lever/deliveries", lever_views.WebhookDeliveryViewSet, basename="lever-delivery")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
