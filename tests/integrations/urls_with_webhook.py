"""The admin plus a `lever-webhook` route elsewhere, to check the Details screen reverses it."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path


def webhook(request, subdomain):
    return HttpResponse()


urlpatterns = [
    path("hooks/<str:subdomain>", webhook, name="lever-webhook"),
    path("admin/", admin.site.urls),
]
