"""The functional administrator's security screens: API tokens and login locks. Others get 404."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.accounts import mfa, oidc, passkeys, services
from vangnet.accounts.forms import TokenForm
from vangnet.accounts.models import ApiToken, IdentityProvider, MfaDevice, Passkey, Role, User
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing


def _admin_or_404(request: HttpRequest) -> None:
    if request.user.role != Role.FUNCTIONAL_ADMIN:  # type: ignore[union-attr]
        raise Http404


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.issue_token(form.cleaned_data["organisation"], form.cleaned_data["name"],
                                              days=form.cleaned_data["days"], actor=request.user, request=request)
        messages.success(request, _("Token issued. Copy the key now: it is shown only once."))
        form = TokenForm()
    rows = ApiToken.objects.select_related("organisation").order_by("-created_at")[:500]
    log_processing("professional_accounts", Action.READ, fields=["api_tokens"])
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_key": new_key})


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _admin_or_404(request)
    if not ApiToken.objects.filter(pk=token_id).exists():
        raise Http404
    token = services.revoke_token(token_id, actor=request.user, request=request)
    messages.success(request, _("Token %(prefix)s… is revoked; it no longer works.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")


@login_required
def locks(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    if request.method == "POST":
        removed = services.lift_lock(username=request.POST.get("username", "")[:150],
                                     ip_address=request.POST.get("ip_address", "")[:45], actor=request.user,
                                     request=request)
        if removed:
            messages.success(request, _("The lock is lifted."))
        else:
            messages.info(request, _("There was no lock to lift."))
        return redirect("accounts:locks")
    since = timezone.now() - datetime.timedelta(minutes=settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    attempts = AccessAttempt.objects.filter(Q(attempt_time__gte=since)).order_by("-attempt_time")[:200]
    log_processing("professional_accounts", Action.READ, fields=["login_locks"])
    return render(request, "accounts/locks.html", {
        "attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


def locked_out(request: HttpRequest, original_response: object = None, credentials: object = None) -> HttpResponse:
    """django-axes' answer while a login is locked: HTTP 429 with a clear page in the user's language."""
    return render(request, "accounts/locked_out.html", {
        "limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)


# --- two-step verification ------------------------------------------------------------------------------


@login_required
def mfa_step(request: HttpRequest) -> HttpResponse:
    """The second step after the password: enter a code, or enrol first."""
    user = request.user
    device = MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    has_passkey = Passkey.objects.filter(user=user).exists()
    if device is None and not has_passkey:
        return redirect("accounts:mfa_enrol")
    error, status = "", 200
    if request.method == "POST":
        if mfa.throttled(user):
            error, status = _("Too many wrong codes. Wait 15 minutes, or ask the functional administrator."), 429
        elif mfa.verify(user, request.POST.get("code", "")[:32], request=request):
            request.session[mfa.SESSION_KEY] = True
            request.session.cycle_key()
            return redirect(_safe_next(request))
        else:
            error, status = _("This code is not correct. Enter the 6 digits from your app, or a recovery code."), 400
    return render(request, "accounts/mfa_verify.html", {"error": error, "next": _safe_next(request),
                                                        "has_totp": device is not None, "has_passkey": has_passkey},
                  status=status)


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).exists() and not request.session.get(
            mfa.SESSION_KEY):
        return redirect("accounts:mfa")
    error, status, codes = "", 200, None
    device = MfaDevice.objects.filter(user=user, confirmed_at__isnull=True).first() or mfa.start_enrolment(user)
    if request.method == "POST":
        codes = mfa.confirm_enrolment(user, request.POST.get("code", "")[:32], request=request)
        if codes is None:
            error, status = _("This code is not correct. Check the time on your phone and try again."), 400
        else:
            request.session[mfa.SESSION_KEY] = True
            return render(request, "accounts/mfa_codes.html", {"codes": codes})
    return render(request, "accounts/mfa_enrol.html", {
        "secret": " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)),
        "uri": mfa.provisioning_uri(device.secret, user.get_username()), "error": error,
    }, status=status)


@login_required
@require_POST
def mfa_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """The functional administrator resets a user's two-step verification (e.g. a lost phone)."""
    _admin_or_404(request)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise Http404
    mfa.reset(target, actor=request.user, request=request)
    messages.success(request, _("Two-step verification of %(user)s is reset. They set it up again at their next "
                                "login.") % {"user": target.get_username()})
    return redirect("accounts:mfa_admin")


@login_required
def mfa_admin(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    users = User.objects.filter(is_active=True).select_related("organisation", "mfa_device").order_by("username")
    log_processing("professional_accounts", Action.READ, fields=["mfa_status"])
    return render(request, "accounts/mfa_admin.html", {"users": users[:1000]})


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


# --- federated login (OpenID Connect) -------------------------------------------------------------------

#: What the person sees for each refusal (the reason code goes to the security log).
OIDC_ERRORS = {
    "provider_disabled": _lazy("Logging in via this organisation is not possible (any more). Log in with your "
                               "username and password, or ask the functional administrator."),
    "provider_unreachable": _lazy("Your organisation's login service cannot be reached right now. Try again in a "
                                  "few minutes, or log in with your username and password."),
    "provider_error": _lazy("Your organisation's login service did not log you in. Try again."),
    "issuer_mismatch": _lazy("Your organisation's login service is not set up correctly. Ask the functional "
                             "administrator to check the issuer URL."),
    "state": _lazy("This login attempt is not valid (any more). Start again from the login page."),
    "token": _lazy("The answer from your organisation's login service could not be trusted. Start again from the "
                   "login page."),
    "unknown_user": _lazy("There is no Vangnet account for you. Ask the coordinator of your organisation for "
                          "an account."),
    "wrong_organisation": _lazy("Your Vangnet account belongs to another organisation. Log in via that "
                                "organisation, or with your username and password."),
    "user_inactive": _lazy("Your Vangnet account is switched off. Ask the coordinator of your organisation."),
    "ambiguous_email": _lazy("More than one Vangnet account has your e-mail address. Ask the functional "
                             "administrator to fix this."),
    "subject_changed": _lazy("Your account is already linked to another login at this organisation. Ask the "
                             "functional administrator."),
}
OIDC_STATUS = {"provider_unreachable": 502, "unknown_user": 403, "wrong_organisation": 403, "user_inactive": 403,
               "ambiguous_email": 403, "subject_changed": 403, "provider_disabled": 404}


def _oidc_error(request: HttpRequest, provider: Any, exc: oidc.Refused) -> HttpResponse:
    oidc.refuse(request, provider, exc)
    if getattr(request, "axes_locked_out", False):
        return locked_out(request)
    return render(request, "accounts/oidc_error.html", {"message": OIDC_ERRORS[exc.reason]},
                  status=OIDC_STATUS.get(exc.reason, 400))


def _oidc_locked(request: HttpRequest) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": oidc.anonymous_name(request)})


def oidc_choose(request: HttpRequest) -> HttpResponse:
    """"Log in via your organisation": the enabled providers of active organisations."""
    providers = IdentityProvider.objects.filter(is_enabled=True, organisation__is_active=True).select_related(
        "organisation")
    return render(request, "accounts/oidc_choose.html", {"providers": providers, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
def oidc_start(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Send the browser to the provider. A plain link (GET) works under the CSP's ``form-action 'self'``, which
    a form whose answer redirects to another site would break; state and nonce are bound to this session."""
    return _oidc_step(request, provider_id, lambda provider: oidc.start(request, provider, _safe_next(request)))


def oidc_callback(request: HttpRequest, provider_id: int) -> HttpResponse:
    return _oidc_step(request, provider_id, lambda provider: _after_federated_login(request, provider))


def _oidc_step(request: HttpRequest, provider_id: int,
               step: Callable[[IdentityProvider], HttpResponse]) -> HttpResponse:
    """A step of federated login: the lockout first, then the provider (gone: refused), then the step; a
    refusal is the Dutch error page."""
    if _oidc_locked(request):
        return locked_out(request)
    provider = IdentityProvider.objects.select_related("organisation").filter(pk=provider_id).first()
    if provider is None:
        return _oidc_error(request, None, oidc.Refused("provider_disabled"))
    try:
        return step(provider)
    except oidc.Refused as exc:
        return _oidc_error(request, provider, exc)


def _after_federated_login(request: HttpRequest, provider: IdentityProvider) -> HttpResponse:
    _user, next_url = oidc.finish(request, provider)
    from django.utils.http import url_has_allowed_host_and_scheme

    return redirect(next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
                    else "/")


# --- passkeys (WebAuthn) as the second step -------------------------------------------------------------


def _json_body(request: HttpRequest) -> dict[str, Any]:
    import json

    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _may_manage_passkeys(request: HttpRequest) -> bool:
    """After the second step, or when the user has no second step yet (the first passkey is the enrolment)."""
    user = request.user
    return bool(request.session.get(mfa.SESSION_KEY)) or not mfa.has_second_factor(user)


@login_required
def passkey_list(request: HttpRequest) -> HttpResponse:
    if not _may_manage_passkeys(request):
        return redirect("accounts:mfa")
    return render(request, "accounts/passkeys.html", {"passkeys": Passkey.objects.filter(user=request.user)})


@login_required
@require_POST
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    if not _may_manage_passkeys(request):
        raise Http404
    try:
        options = passkeys.registration_options(request.session, request.user)
    except passkeys.PasskeyRefused:
        return JsonResponse({"message": _("You have the most passkeys allowed. Remove one first.")}, status=400)
    return HttpResponse(options, content_type="application/json")


@login_required
@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    if not _may_manage_passkeys(request):
        raise Http404
    body = _json_body(request)
    try:
        passkeys.register(request.session, request.user, body.get("credential"), str(body.get("name") or ""),
                          request=request)
    except passkeys.PasskeyRefused:
        return JsonResponse({"message": _("The passkey could not be added. Try again.")}, status=400)
    request.session[mfa.SESSION_KEY] = True
    messages.success(request, _("The passkey is added. Next time you can use it for step 2 of logging in."))
    return JsonResponse({"redirect": reverse("accounts:passkeys")}, status=201)


@login_required
@require_POST
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    if not _may_manage_passkeys(request):
        raise Http404
    if not passkeys.remove(request.user, passkey_id, request=request):
        raise Http404
    messages.success(request, _("The passkey is removed."))
    return redirect("accounts:passkeys")


@login_required
@require_POST
def mfa_passkey_options(request: HttpRequest) -> HttpResponse:
    if not Passkey.objects.filter(user=request.user).exists():
        raise Http404
    return HttpResponse(passkeys.authentication_options(request.session, request.user),
                        content_type="application/json")


@login_required
@require_POST
def mfa_passkey(request: HttpRequest) -> HttpResponse:
    """Step 2 with a passkey: the browser sends the assertion; the answer says where to go."""
    user = request.user
    if mfa.throttled(user):
        return JsonResponse({"message": _("Too many wrong codes. Wait 15 minutes, or ask the functional "
                                          "administrator.")}, status=429)
    if not passkeys.authenticate(request.session, user, _json_body(request).get("credential"), request=request):
        return JsonResponse({"message": _("The passkey was not accepted. Try again, or enter a code.")}, status=400)
    request.session[mfa.SESSION_KEY] = True
    request.session.cycle_key()
    return JsonResponse({"redirect": _safe_next(request)})


class LogoutView(auth_views.LogoutView):
    """Log out of Vangnet. After a federated login the page that follows offers to log out at the organisation's
    provider too (OpenID Connect RP-Initiated Logout), so a shared workstation is not left logged in there. A
    link, not a redirect: the CSP's ``form-action 'self'`` stops a logout form whose answer leads to another
    site. The provider sends the browser back to the login page (``oidc.post_logout_redirect_uri``)."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Logs nobody out (that takes a POST with its CSRF token); the language switch on the page after
        logging out comes back here, and goes on to the login page."""
        return redirect("login")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = str(request.session.get(oidc.LOGIN_METHOD, ""))
        response = super().post(request, *args, **kwargs)
        ended = oidc.end_session(method.split(":", 1)[1]) if method.startswith("oidc:") else None
        if ended is None or response.status_code != 302:
            return response
        provider, url = ended
        return render(request, "accounts/logged_out.html", {"provider": provider, "end_session_url": url})
