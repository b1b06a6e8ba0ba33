"""Demo procedures and deadlines (issue 12): a few open cases of region Amsterdam get a legal track, so the
worklist's deadline column, the deadlines page and the reminders have something to show."""

from __future__ import annotations

import datetime

from django.utils import timezone

from vangnet.accounts.models import Organisation
from vangnet.audit.context import processing_context
from vangnet.cases.models import Case, CaseStatus
from vangnet.procedures import services
from vangnet.procedures.models import Procedure


def create_demo_procedures(orgs: dict[str, Organisation], today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    police, ind = orgs["police:AM"], orgs["ind"]
    open_cases = (Case.objects.exclude(status=CaseStatus.CLOSED).exclude(pk__in=Procedure.objects.values("case_id"))
                  .select_related("lead_organisation"))
    # region Amsterdam first (the zorg.amsterdam demo login), then any other region
    cases = list(open_cases.filter(lead_organisation=orgs["care:AM"]).order_by("-opened_at")[:6])
    cases += list(open_cases.exclude(pk__in=[c.pk for c in cases]).order_by("-opened_at")[:6 - len(cases)])
    if len(cases) < 6:
        return 0
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    with processing_context(actor=None, actor_label="system:demo"):
        # two Dublin assessments: one ends within days, one is overdue
        for case, started in ((cases[0], ago(24)), (cases[1], ago(35))):
            services.start_procedure(case, "dublin_report", organisation=case.lead_organisation, on=started,
                                     route="dublin_assessment")
        dublin = Procedure.objects.get(case=cases[0], code="dublin_report")
        services.record_step(dublin.pk, "report_filed", on=ago(20), organisation=police,
                             document_reference="PL-DEMO-1")
        # two reflection periods granted by IND and running
        for case, started in ((cases[2], ago(85)), (cases[3], ago(20))):
            p = services.start_procedure(case, "reflection_period", organisation=case.lead_organisation, on=started)
            services.record_step(p.pk, "requested", on=started, organisation=case.lead_organisation)
            services.record_step(p.pk, "granted", on=started, organisation=ind, document_reference="IND-DEMO")
            services.record_step(p.pk, "started", on=started, organisation=ind)
        # a B8/3 permit applied for after a police report
        report = services.start_procedure(cases[4], "police_report", organisation=police, on=ago(50))
        services.record_step(report.pk, "filed", on=ago(50), organisation=police, document_reference="PL-DEMO-2")
        permit = services.start_procedure(cases[4], "b83_permit", organisation=police, on=ago(49))
        services.record_step(permit.pk, "applied", on=ago(49), organisation=police)
        # a guardian for a minor: Nidos to be asked within 5 working days
        services.start_procedure(cases[5], "guardian", organisation=cases[5].lead_organisation, on=ago(2))
    return Procedure.objects.filter(case__in=cases).count()
