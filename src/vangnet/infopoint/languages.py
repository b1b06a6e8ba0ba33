"""Languages of the public pages (information point, question form).

The staff UI is Dutch and English only (``LANGUAGES``). The public pages are also offered in the languages
victims speak most (``INFOPOINT_LANGUAGES``). A visitor picks one with ``?lang=<code>`` (the switcher links);
the choice is kept in a cookie that only the public pages read. Page texts come from the catalogue of that
language (``locale/<code>/LC_MESSAGES/django.po``, public-page strings only, see docs/i18n.md); texts from
data files without that language are shown in English (``vangnet.core.i18n.active_language``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

COOKIE = "vangnet_public_language"

#: code -> the language's name in that language (for the switcher) and its writing direction
NAMES: dict[str, tuple[str, str]] = {
    "nl": ("Nederlands", "ltr"), "en": ("English", "ltr"), "ro": ("Română", "ltr"), "pl": ("Polski", "ltr"),
    "bg": ("Български", "ltr"), "uk": ("Українська", "ltr"), "vi": ("Tiếng Việt", "ltr"), "es": ("Español", "ltr"),
    "pt": ("Português", "ltr"), "ar": ("العربية", "rtl"), "ti": ("ትግርኛ", "ltr"),
}


def public_languages() -> list[str]:
    return [code for code in settings.INFOPOINT_LANGUAGES if code in NAMES]


def chosen(request: HttpRequest) -> str | None:
    """The public language asked for (``?lang=``) or remembered (cookie); None: the usual staff language."""
    for value in (request.GET.get("lang", ""), request.COOKIES.get(COOKIE, "")):
        if value in public_languages():
            return value
    return None


def public_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page in the visitor's public language (and remember a ``?lang=`` choice)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = chosen(request)
        if language is None:
            return view(request, *args, **kwargs)
        with translation.override(language):
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["Content-Language"] = language
        if request.GET.get("lang") == language:
            response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=request.is_secure())
        return response

    return wrapper


def switcher(request: HttpRequest) -> list[dict[str, Any]]:
    current = translation.get_language()
    path = request.path
    return [{"code": code, "name": NAMES[code][0], "dir": NAMES[code][1], "url": f"{path}?lang={code}",
             "current": code == current} for code in public_languages()]
