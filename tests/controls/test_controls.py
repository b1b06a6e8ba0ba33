"""Prostitution controls: who may register and report, validation, the report against targets."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.models import ProcessingLogEntry
from vangnet.controls import selectors
from vangnet.controls.charts import achievement_chart
from vangnet.controls.models import Control
from vangnet.controls.services import register_control
from vangnet.controls.targets import TargetsError, load, parse
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def municipal(cast):
    org = OrganisationFactory(name="Gemeente Rotterdam (test)", type=OrganisationType.MUNICIPALITY,
                              municipality_id="GM0599", region_id=None)
    return UserFactory(username="toezicht", organisation=org, role=Role.REPORTER)


def form_data(**overrides):
    data = {"performed_on": (TODAY - datetime.timedelta(days=2)).isoformat(), "municipality": "GM0363",
            "location_kind": "window", "workers_spoken": "7",
            "indicators": ["general.no_identity_documents", "sexual.cannot_refuse"], "signal_numbers": ""}
    data.update(overrides)
    return data


ALL_PAGES = ["controls:index", "controls:report", "controls:report_csv"]


@pytest.mark.parametrize("who, register, report", [
    ("reporter", 200, 200),         # police Amsterdam
    ("colleague", 200, 200),
    ("outsider", 404, 404),         # an NGO does not register controls
    ("coordinator", 404, 404),      # care coordination does not either
    ("national", 404, 200),
    ("analyst", 404, 200),
    ("admin", 404, 404),
])
def test_who_may_register_and_see_the_report(cast, logged_in, who, register, report):
    client = logged_in(getattr(cast, who))
    assert client.get(reverse("controls:new")).status_code == register
    for name in ALL_PAGES:
        assert client.get(reverse(name)).status_code == report, name


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(reverse("controls:new"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_police_register_within_their_unit_and_municipalities_within_their_own(cast, municipal, logged_in):
    client = logged_in(cast.reporter)
    response = client.post(reverse("controls:new"), form_data(municipality="GM0599"))
    assert response.status_code == 400  # Rotterdam is not in police unit Amsterdam
    assert Control.objects.count() == 0
    client = logged_in(municipal)
    assert client.post(reverse("controls:new"), form_data(municipality="GM0599")).status_code == 302
    assert client.post(reverse("controls:new"), form_data(municipality="GM0363")).status_code == 400


def test_a_valid_control_is_stored_logged_and_listed(cast, logged_in, registered_signal):
    client = logged_in(cast.reporter)
    response = client.post(reverse("controls:new"), form_data(signal_numbers=registered_signal.reference.lower()))
    assert response.status_code == 302
    control = Control.objects.get()
    assert control.organisation == cast.reporter.organisation and control.workers_spoken == 7
    assert list(control.signals.all()) == [registered_signal]
    assert control.indicators_checked.count() == 2 and control.targets_version == load().version
    assert ProcessingLogEntry.objects.filter(activity__code="prostitution_control_reporting",
                                             action="create").count() == 1
    page = client.get(reverse("controls:index")).content.decode()
    assert registered_signal.reference in page and "Amsterdam" in page


@pytest.mark.parametrize("field, value, message", [
    ("performed_on", (TODAY + datetime.timedelta(days=1)).isoformat(), "future"),
    ("performed_on", "2026-02-31", "valid date"),
    ("workers_spoken", "-1", "0"),
    ("workers_spoken", "100000", "500"),
    ("location_kind", "spaceship", "spaceship"),
    ("signal_numbers", "not-a-number", "not a signal number"),
    ("signal_numbers", "S-2026-999999", "not found"),
])
def test_bad_input_gives_a_clear_error_and_keeps_what_was_typed(cast, logged_in, field, value, message):
    client = logged_in(cast.reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("controls:new"), form_data(**{field: value}))
    assert response.status_code == 400
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message.lower() in errors.lower()
    assert Control.objects.count() == 0
    html = response.content.decode()
    assert 'value="7"' in html or field == "workers_spoken"  # the other values are kept


def test_another_organisations_signal_cannot_be_linked(cast, logged_in, registered_signal):
    org = OrganisationFactory(name="Politie Rotterdam (test)", type=OrganisationType.POLICE,
                              municipality_id="GM0599", region_id="RT")
    other = UserFactory(username="rt", organisation=org, role=Role.REPORTER)
    response = logged_in(other).post(reverse("controls:new"),
                                     form_data(municipality="GM0599", signal_numbers=registered_signal.reference))
    assert response.status_code == 400 and Control.objects.count() == 0


def make(user, code, day, kind="window", indicators=(), spoken=3):
    return register_control(user=user, municipality=Municipality.objects.get(pk=code), performed_on=day,
                            location_kind=kind, workers_spoken=spoken,
                            indicators=Indicator.objects.filter(pk__in=indicators), signals=[])


def test_report_against_targets_and_uniformity(cast, municipal):
    year = 2025
    uniform = list(load().uniform_indicators)
    for i in range(24):  # Amsterdam: half of its 48, every uniform indicator in half of them
        make(cast.reporter, "GM0363", datetime.date(year, 1 + i % 12, 3), indicators=uniform if i % 2 else [])
    for i in range(40):  # Rotterdam: more than its 36, one uniform indicator each
        make(municipal, "GM0599", datetime.date(year, 1 + i % 12, 5), kind="club", indicators=uniform[:1])
    make(cast.reporter, "GM0363", datetime.date(year + 1, 1, 1))  # another year
    result = selectors.report(year)
    rows = {r.code: r for r in result.rows}
    assert (rows["GM0363"].controls, rows["GM0363"].target, rows["GM0363"].achievement) == (24, 48, 0.5)
    assert rows["GM0363"].uniformity == pytest.approx(0.5)
    assert rows["GM0599"].achievement == pytest.approx(40 / 36) and rows["GM0599"].by_kind["club"] == 40
    assert rows["GM0599"].uniformity == pytest.approx(1 / len(uniform))
    assert rows["GM0344"].controls == 0 and rows["GM0344"].target == 24  # a target without controls shows
    assert result.with_target_met == 1 and result.total_controls == 64
    share = {i.code: i.share for i in result.indicators}
    assert share[uniform[0]] == pytest.approx((12 + 40) / 64) and share[uniform[1]] == pytest.approx(12 / 64)
    own = selectors.report(year, Municipality.objects.filter(pk="GM0599"))
    assert [r.code for r in own.rows] == ["GM0599"]


def test_the_chart_is_valid_svg_in_dutch(cast, logged_in, municipal):
    make(municipal, "GM0599", TODAY - datetime.timedelta(days=1))
    chart = achievement_chart(selectors.report(TODAY.year))
    for bar in chart["bars"]:
        float(bar["width"]), float(bar["y"])
    client = logged_in(cast.national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(reverse("controls:report"), {"year": TODAY.year}).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # noqa: S314  (our own page, not untrusted input)
    for element in root.iter():
        for attribute in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
            if attribute in element.attrib:
                float(element.attrib[attribute])  # no decimal commas


def test_report_csv(cast, logged_in, municipal):
    make(municipal, "GM0599", TODAY - datetime.timedelta(days=1))
    body = logged_in(cast.analyst).get(reverse("controls:report_csv"), {"year": TODAY.year}).content.decode()
    header, *lines = body.strip().splitlines()
    assert header.startswith("municipality_code,municipality,target,controls")
    assert any(line.startswith("GM0599,Rotterdam,") for line in lines)


def test_the_targets_file_is_validated():
    with pytest.raises(TargetsError, match="missing 'targets'"):
        parse({"version": "1", "source": "x", "uniform_indicators": ["general.isolated"]})
    with pytest.raises(TargetsError, match="unknown municipality 'GM9999'"):
        parse({"version": "1", "source": "x", "uniform_indicators": ["general.isolated"],
               "targets": {2026: {"GM9999": 3}}})
    with pytest.raises(TargetsError, match="unknown indicator"):
        parse({"version": "1", "source": "x", "uniform_indicators": ["no.such"], "targets": {}})
    with pytest.raises(TargetsError, match="whole number"):
        parse({"version": "1", "source": "x", "uniform_indicators": ["general.isolated"],
               "targets": {2026: {"GM0363": -2}}})
    assert load().for_year(2026)["GM0363"] > 0
