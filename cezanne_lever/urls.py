"""URL map. The paths under /cezannehr/api/v4/ are part of the interface (SPEC section 11)."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView


def healthz(request):
    """Liveness probe for the proxy or orchestrator: no database access, always cheap."""
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = "cezanne-lever HR"
admin.site.site_title = "cezanne-lever HR"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("hr/", include("hr.urls")),
    # Lever's webhook and OAuth paths (capital L) before the API's lowercase `lever/` routes.
    path("cezannehr/api/v4/Lever/", include("integrations.urls")),
    path("cezannehr/api/v4/", include("cezanne_lever.api_urls")),
]

if settings.LEVER_SANDBOX:
    urlpatterns.append(path("lever-sandbox/", include("lever_sandbox.urls")))
