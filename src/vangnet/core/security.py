"""Response headers for pages with personal data, and the session idle timeout.

- ``Cache-Control: no-store`` (and ``Pragma: no-cache``) on every response to a signed-in user and on every
  API response: no browser or proxy keeps a copy of a page with personal data.
- ``Permissions-Policy`` switching off browser features Vangnet never uses.
- An idle timeout (``VANGNET_SESSION_IDLE_SECONDS``, 30 minutes by default) besides the absolute session
  lifetime: a session unused for longer is ended and the user logs in again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "vangnet_last_seen"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
            response["Pragma"] = "no-cache"
        response.setdefault("Permissions-Policy", settings.VANGNET_PERMISSIONS_POLICY)
        return response


class SessionIdleTimeoutMiddleware:
    """Ends a signed-in session that has been idle longer than ``VANGNET_SESSION_IDLE_SECONDS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle = settings.VANGNET_SESSION_IDLE_SECONDS
            if isinstance(last_seen, int) and idle > 0 and now - last_seen > idle:
                logout(request)
                messages.info(request, _("You were logged out because you were inactive for %(minutes)d minutes.")
                              % {"minutes": idle // 60})
                return redirect_to_login(request.get_full_path())
            # write at most once a minute, so a busy page does not save the session on every request
            if not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
