"""Upload a chain partner's CSV of procedure steps; the result lists every refused row with its reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import OrganisationType, Role
from vangnet.procedures.imports import MAX_ROWS, ImportFileError, import_steps

#: organisations that deliver chain data, and the roles of their people who may upload it
CHAIN_PARTNERS = {OrganisationType.POLICE, OrganisationType.KMAR, OrganisationType.LABOUR_INSPECTORATE,
                  OrganisationType.PUBLIC_PROSECUTOR, OrganisationType.IND}
UPLOAD_ROLES = {Role.REPORTER, Role.CARE_COORDINATOR}


class StepsFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with procedure steps"),
        help_text=_("Columns: case, procedure, step, date and (optional) document. At most %(n)s rows.")
        % {"n": MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _may_upload(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(org is not None and org.type in CHAIN_PARTNERS and user.role in UPLOAD_ROLES)


@login_required
def import_steps_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not _may_upload(user):
        raise Http404
    form = StepsFileForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = import_steps(user, form.cleaned_data["file"].read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
    if form.errors:
        status = 400
    return render(request, "procedures/import.html", {"form": form, "report": report}, status=status)
