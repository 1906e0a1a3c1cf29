"""The HTTP session every call to Lever (data API and token endpoint) goes through."""

import threading

import requests
from django.conf import settings

USER_AGENT = "cezanne-lever-hr/0.1 (Cezanne HR Lever integration)"
CONNECT_TIMEOUT_SECONDS = 5

_local = threading.local()


def timeout():
    """(connect, read) seconds for every call to Lever: 5 s, and LEVER_READ_TIMEOUT_SECONDS
    (default 30), read at call time."""
    return (CONNECT_TIMEOUT_SECONDS, settings.LEVER_READ_TIMEOUT_SECONDS)


def new_session():
    """A session with our User-Agent. Retries are not done here (see client.py): each retry must
    also take a rate-limit slot, which urllib3's adapter-level retries would bypass."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


def shared_session():
    """This thread's session, so connections to Lever are reused (requests.Session is not
    documented as thread-safe, hence one per thread)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = new_session()
    return session
