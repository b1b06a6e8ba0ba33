from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from vangnet.accounts import mfa

#: Paths a signed-in user reaches before the second step (to take it, or to leave).
OPEN_PATHS = frozenset({"/account/mfa/", "/account/mfa/enrol/", "/account/mfa/passkey/options/",
                        "/account/mfa/passkey/", "/logout/", "/privacy/",
                        # a first passkey may be the enrolment (the views refuse users who have a step 2 already)
                        "/account/passkeys/", "/account/passkeys/options/", "/account/passkeys/add/"})
OPEN_PREFIXES = ("/static/", "/i18n/", "/info/", "/api/")


class MfaMiddleware:
    """After the password, the second step: verify (or enrol, when required) before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.session.get(mfa.SESSION_KEY)
                and request.path_info not in OPEN_PATHS and not request.path_info.startswith(OPEN_PREFIXES)
                and mfa.required_for(user)):
            return redirect(f"{reverse('accounts:mfa')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
