"""The public information point: no login, no case data; the guide and desks as data; anonymous questions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from vangnet.infopoint import content
from vangnet.infopoint.forms import personal_data_in
from vangnet.infopoint.models import Consultation
from vangnet.regions.models import PoliceUnit

pytestmark = pytest.mark.django_db

PUBLIC = ["/info/", "/info/signs/", "/info/what-to-do/", "/info/contact/", "/info/contact/?municipality=GM0344",
          "/info/guide/", "/info/questions/new/"]


@pytest.fixture(autouse=True)
def _clear_rate_limit() -> None:
    cache.clear()


def test_desks_cover_every_region_and_regional_numbers_are_demo() -> None:
    d = content.desks()
    assert set(d.regions) == set(PoliceUnit.objects.values_list("code", flat=True))
    assert d.national["emergency"].phone == "112"
    for desk in d.regions.values():
        assert desk.demo and desk.phone.startswith("000-")  # not a number in the Dutch plan
        assert desk.email.endswith(".invalid")


def test_guide_is_a_tree_every_node_reachable_ending_in_advice() -> None:
    data = content.guide()  # check_guide raises on loops, dead links, unreachable nodes
    nodes = data["nodes"]
    leaves = [k for k, n in nodes.items() if "advice" in n]
    assert leaves and all(nodes[k].get("desks") or nodes[k].get("national") for k in leaves)
    loop = [{"next": "start", "label": {"nl": "x", "en": "x"}}]
    bad = {**data, "nodes": {**nodes, "start": {**nodes["start"], "options": loop}}}
    with pytest.raises(content.ContentError):
        content.check_guide(bad)


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_public_pages_need_no_login_and_show_no_case_data(client: Client, registered_signal: Any, url: str,
                                                          language: str) -> None:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    case = registered_signal.case
    for secret in (case.reference, case.pseudonym, registered_signal.reference, registered_signal.given_names,
                   registered_signal.family_name, "Synthetic test account"):
        assert secret not in html


def test_signs_come_from_the_indicator_catalogue(client: Client) -> None:
    from vangnet.signals.models import Indicator

    client.cookies["django_language"] = "en"
    html = client.get("/info/signs/").content.decode()
    for indicator in Indicator.objects.filter(active=True)[:5]:
        assert escape(indicator.text_en) in html
    assert 'id="form-labour"' in html


def test_doctor_path_ends_with_the_regional_desk_number(client: Client) -> None:
    path = ["care_danger", "care_minor", "care_consent", "care_refer"]
    html = client.get("/info/guide/").content.decode()
    for key in path:
        assert f'href="/info/guide/{key}/"' in html
        html = client.get(f"/info/guide/{key}/").content.decode()
    html = client.get("/info/guide/care_refer/?municipality=GM0344").content.decode()  # Utrecht
    assert content.desks().regions["MN"].phone in html


def test_unknown_guide_node_is_404(client: Client) -> None:
    assert client.get("/info/guide/nope/").status_code == 404


def test_question_flow_and_answer(client: Client, cast: Any) -> None:
    response = client.post("/info/questions/new/", {
        "role": "healthcare", "region": "MN", "form": "labour",
        "question": "A patient works 80 hours a week and someone else keeps the passport. What now?"})
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert response["Location"] == f"/info/questions/{consultation.code}/"
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", consultation.code)
    page = client.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    assert consultation.code in page.content.decode()
    # the national coordinator answers
    staff = Client()
    staff.force_login(cast.national)
    assert consultation.code in staff.get("/info/consultations/").content.decode()
    answer = "Call the desk of Midden-Nederland; the care coordinator can arrange shelter without proof."
    assert staff.post(f"/info/consultations/{consultation.code}/", {"answer": answer}).status_code == 302
    assert answer in client.get(f"/info/questions/{consultation.code}/").content.decode()
    assert client.get(f"/info/questions/{consultation.code.lower()}/", follow=True).status_code == 200
    assert client.get("/info/questions/AAAA-BBBB-CCCC/").status_code == 404


@pytest.mark.parametrize("text", [
    "My patient jan.jansen@example.org is worried about her boss.",
    "Please call me back on 06 12345678 about a patient.",
    "Patient born 12-04-1999 shows signs of forced labour at a farm.",
    "short",
])
def test_question_refuses_personal_data_and_short_text(client: Client, text: str) -> None:
    response = client.post("/info/questions/new/", {"role": "public", "question": text})
    assert response.status_code == 400
    assert not Consultation.objects.exists()


def test_personal_data_check_allows_plain_questions() -> None:
    assert personal_data_in("Is 112 the right number when someone is locked in? It happened in 2024.") == []


def test_question_form_is_rate_limited(client: Client, settings: Any) -> None:
    settings.INFOPOINT_QUESTIONS_PER_HOUR = 2
    data = {"role": "public", "question": "How do I recognise labour exploitation in a restaurant kitchen?"}
    assert [client.post("/info/questions/new/", data).status_code for _ in range(3)] == [302, 302, 429]
    assert Consultation.objects.count() == 2


def test_question_form_needs_csrf() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/info/questions/new/", {"role": "public", "question": "x" * 40})
    assert response.status_code == 403
    html = strict.get("/info/questions/new/").content.decode()
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("who, expected", [
    ("reporter", 404), ("colleague", 404), ("outsider", 404), ("coordinator", 404), ("other_coordinator", 404),
    ("national", 200), ("analyst", 404), ("admin", 404),
])
def test_only_the_national_coordinator_answers(client: Client, cast: Any, who: str, expected: int) -> None:
    consultation = Consultation.objects.create(role="public", question="How do I recognise forced begging?")
    client.force_login(getattr(cast, who))
    assert client.get(reverse("infopoint:consultations")).status_code == expected
    assert client.get(reverse("infopoint:answer", args=[consultation.code])).status_code == expected
    status = client.post(reverse("infopoint:answer", args=[consultation.code]),
                         {"answer": "Look at who holds the money."}).status_code
    assert status == (302 if expected == 200 else 404)


def test_consultations_need_login(client: Client) -> None:
    response = client.get(reverse("infopoint:consultations"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_code_typed_without_dashes_or_in_lower_case_finds_the_answer(client: Client) -> None:
    from vangnet.infopoint.models import Consultation

    consultation = Consultation.objects.create(role="healthcare", question="Een vraag zonder namen erin, lang genoeg.")
    raw = consultation.code.replace("-", "").lower()
    response = client.get(f"/info/questions/find/?code={raw}")
    assert response.status_code == 302 and response["Location"] == f"/info/questions/{consultation.code}/"
    response = client.get(f"/info/questions/{raw}/", follow=True)
    assert response.status_code == 200 and consultation.code in response.content.decode()


def test_unknown_code_gives_a_friendly_page_not_a_raw_404(client: Client) -> None:
    response = client.get("/info/questions/ABCD-EFGH-2345/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'name="code"' in html and "ABCD-EFGH-2345" in html and 'lang="nl"' in html


def test_staff_answer_may_give_the_public_numbers_but_no_other_number() -> None:
    from vangnet.infopoint.forms import AnswerForm

    assert AnswerForm({"answer": "Bel Veilig Thuis op 0800-2000 of het alarmnummer 112."}).is_valid()
    assert AnswerForm({"answer": "Bel Meld Misdaad Anoniem: 0800 7000. Dat kan zonder naam."}).is_valid()
    form = AnswerForm({"answer": "Bel de moeder op 06-12345678 vandaag nog."})
    assert not form.is_valid() and "answer" in form.errors


def test_national_coordinator_has_a_menu_link_to_the_question_queue(client: Client, cast: Any) -> None:
    client.force_login(cast.national)
    assert 'href="/info/consultations/"' in client.get("/").content.decode()
    client.force_login(cast.coordinator)
    assert 'href="/info/consultations/"' not in client.get("/").content.decode()
