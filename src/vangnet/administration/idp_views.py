"""The functional administrator's screens for organisations' identity providers (federated login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.accounts.models import IdentityProvider
from vangnet.accounts.oidc import post_logout_redirect_uri, redirect_uri
from vangnet.administration import idp
from vangnet.administration.views import _admin_only
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing


@login_required
def identity_providers(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    rows = list(IdentityProvider.objects.select_related("organisation").order_by("organisation__name", "name"))
    for row in rows:
        row.redirect_uri = redirect_uri(row)  # type: ignore[attr-defined]
    log_processing(idp.ACTIVITY, Action.READ, fields=["identity_providers"])
    return render(request, "administration/identity_providers.html", {"providers": rows})


@login_required
@require_http_methods(["GET", "POST"])
def identity_provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin_only(request)
    instance = get_object_or_404(IdentityProvider, pk=pk) if pk else None
    form = idp.IdentityProviderForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        provider = idp.save_identity_provider(form, actor=request.user, request=request)
        messages.success(request, _("Login service “%(name)s” is saved. Register this redirect URI at the "
                                    "provider: %(uri)s") % {"name": provider.name, "uri": redirect_uri(provider)})
        return redirect("administration:identity_providers")
    return render(request, "administration/identity_provider_form.html",
                  {"form": form, "provider": instance, "redirect_uri": redirect_uri(instance) if instance else "",
                   "post_logout_uri": post_logout_redirect_uri()},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def identity_provider_enabled(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    provider = get_object_or_404(IdentityProvider, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    idp.set_identity_provider_enabled(provider.pk, enabled, actor=request.user, request=request)
    messages.success(request, (_("Login service “%(name)s” is on.") if enabled else
                               _("Login service “%(name)s” is off. Its users log in with their password.")) %
                     {"name": provider.name})
    return redirect("administration:identity_providers")
