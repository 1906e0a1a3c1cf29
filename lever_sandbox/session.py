"""The sandbox's own login, kept under one session key beside (never instead of) Django's auth:
logging in to the sandbox's Lever neither logs the product's administrator in nor out."""

import functools
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from lever_sandbox.models import SandboxUser

SESSION_KEY = "lever_sandbox_user_id"


def login(request, user):
    request.session.cycle_key()  # Keeps the session's data (the product's login) under a new key.
    request.session[SESSION_KEY] = str(user.pk)


def logout(request):
    request.session.pop(SESSION_KEY, None)


def current_user(request):
    user_id = request.session.get(SESSION_KEY)
    if not user_id:
        return None
    return SandboxUser.objects.select_related("account").filter(pk=user_id).first()


def login_url(next_url):
    return f"{reverse('lever_sandbox:login')}?{urlencode({'next': next_url})}"


def login_required(view):
    """Pages of the sandbox's Lever: `request.sandbox_user` is the logged-in sandbox user."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = current_user(request)
        if user is None:
            return redirect(login_url(request.get_full_path()))
        request.sandbox_user = user
        return view(request, *args, **kwargs)

    return wrapper
