"""The functional administrator's screens: organisations and users (thin views over ``services``).

Only a functional administrator gets in; everyone else gets a 404. Reads of the user list are logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.accounts.models import Organisation, Role, User
from vangnet.administration import selectors, services
from vangnet.administration.forms import InviteForm, OrganisationForm, UserForm
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing


def _admin_only(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.role == Role.FUNCTIONAL_ADMIN):  # type: ignore[union-attr]
        raise Http404


#: rows per page of the administrator's lists
PAGE_SIZE = 50


def _search_list(request: HttpRequest, template: str, rows: Callable[[str], QuerySet[Any]]) -> HttpResponse:
    """A list page of the administrator: search ``q``, pages of ``PAGE_SIZE``, the search kept in the page links."""
    query = (request.GET.get("q") or "").strip()
    page = Paginator(rows(query), PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = urlencode({"q": query}) if query else ""
    return render(request, template, {"page": page, "q": query, "querystring": querystring})


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return _search_list(request, "administration/organisations.html", selectors.organisations)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin_only(request)
    instance = get_object_or_404(Organisation, pk=pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        organisation = services.save_organisation(form, actor=request.user)
        messages.success(request, _("Organisation “%(name)s” is saved.") % {"name": organisation.name})
        return redirect("administration:organisations")
    return render(request, "administration/organisation_form.html", {"form": form, "organisation": instance},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def organisation_active(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_organisation_active(organisation.pk, active, actor=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, (_("Organisation “%(name)s” is active again.") if active else
                                   _("Organisation “%(name)s” is deactivated. It gets no new cases.")) %
                         {"name": organisation.name})
    return redirect("administration:organisations")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    log_processing(services.ACTIVITY, Action.READ, fields=["username", "first_name", "last_name", "email",
                                                           "organisation", "role", "is_active", "last_login"],
                   actor=request.user)
    return _search_list(request, "administration/users.html", selectors.users)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.invite(form.cleaned_data, actor=request.user, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("%(username)s is invited. The e-mail with the link to set a password is sent.")
                         % {"username": user.username})
        return redirect("administration:users")
    return render(request, "administration/invite.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    account = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    form = UserForm(request.POST or None, initial={"organisation": account.organisation, "role": account.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_user(account.pk, organisation=form.cleaned_data["organisation"],
                                 role=form.cleaned_data["role"], actor=request.user)
        except services.NotAllowed as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, _("The account of %(username)s is saved.") % {"username": account.username})
            return redirect("administration:users")
    log_processing(services.ACTIVITY, Action.READ, obj=account,
                   fields=["username", "first_name", "last_name", "email", "organisation", "role"],
                   actor=request.user)
    context: dict[str, Any] = {"form": form, "account": account, "is_self": account.pk == request.user.pk}
    return render(request, "administration/user_form.html", context,
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(account.pk, active, actor=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, (_("%(username)s can log in again.") if active else
                                   _("%(username)s is deactivated and can no longer log in."))
                         % {"username": account.username})
    return redirect("administration:users")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from the invitation: choose a password (Django's token, valid PASSWORD_RESET_TIMEOUT)."""

    template_name = "administration/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_processing(services.ACTIVITY, Action.UPDATE, obj=form.user, fields=["password"], actor=form.user)
        messages.success(self.request, _("Your password is set. Log in with your user name and password."))
        return response
