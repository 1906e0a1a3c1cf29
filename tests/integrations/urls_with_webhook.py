"""The project's URLs plus a `lever-webhook` route, to check the Details screen reverses it."""

from django.http import HttpResponse
from django.urls import path

from cezanne_lever.urls import urlpatterns as project_urlpatterns


def webhook(request, subdomain):
    return HttpResponse()


urlpatterns = [
    path("hooks/<str:subdomain>", webhook, name="lever-webhook"),
    *project_urlpatterns,
]
