"""The functional administrator's screens: organisations and users and roles, over the fixed cast."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client, RequestFactory

from vangnet.accounts.models import Organisation, OrganisationType, Role, User
from vangnet.audit.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db
CAST = ["reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin"]
PAGES = ["/administration/organisations/", "/administration/organisations/new/", "/administration/users/",
         "/administration/users/invite/"]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("url", PAGES)
def test_only_the_functional_administrator_gets_in(cast: Any, logged_in: Any, who: str, url: str) -> None:
    assert logged_in(getattr(cast, who)).get(url).status_code == (200 if who == "admin" else 404)


@pytest.mark.parametrize("who", [w for w in CAST if w != "admin"])
def test_others_cannot_write(cast: Any, logged_in: Any, who: str) -> None:
    client = logged_in(getattr(cast, who))
    target = cast.reporter
    assert client.post(f"/administration/users/{target.pk}/active/", {"active": "0"}).status_code == 404
    assert client.post(f"/administration/users/{target.pk}/", {"organisation": target.organisation_id,
                                                                 "role": Role.NATIONAL_COORDINATOR}).status_code == 404
    assert client.post(f"/administration/organisations/{target.organisation_id}/active/",
                       {"active": "0"}).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.role == Role.REPORTER and target.organisation.is_active


def test_anonymous_is_sent_to_login(client: Client, db: Any) -> None:
    assert client.get("/administration/users/").status_code == 302


def test_menu_links_for_the_admin_only(cast: Any, logged_in: Any) -> None:
    assert 'href="/administration/users/"' in logged_in(cast.admin).get("/").content.decode()
    assert 'href="/administration/users/"' not in logged_in(cast.national).get("/").content.decode()


def test_create_edit_and_deactivate_an_organisation(cast: Any, logged_in: Any) -> None:
    client = logged_in(cast.admin)
    response = client.post("/administration/organisations/new/", {
        "name": "Zorgcoördinatie Zeeland (test)", "type": OrganisationType.CARE_COORDINATION,
        "municipality": "GM0687", "region": ""})
    assert response.status_code == 400 and "region" in response.context["form"].errors  # a region is needed
    response = client.post("/administration/organisations/new/", {
        "name": "Zorgcoördinatie Zeeland (test)", "type": OrganisationType.CARE_COORDINATION,
        "municipality": "GM0687", "region": "ZWB"})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Zorgcoördinatie Zeeland (test)")
    assert ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="create",
                                             actor=cast.admin).exists()
    duplicate = client.post("/administration/organisations/new/", {
        "name": "Zorgcoördinatie Zeeland (test)", "type": OrganisationType.NGO, "municipality": "GM0687"})
    assert duplicate.status_code == 400
    assert client.post(f"/administration/organisations/{organisation.pk}/", {
        "name": "Zorgcoördinatie Zeeland-West (test)", "type": OrganisationType.CARE_COORDINATION,
        "municipality": "GM0687", "region": "ZWB"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Zorgcoördinatie Zeeland-West (test)"
    assert client.post(f"/administration/organisations/{organisation.pk}/active/", {"active": "0"}).status_code == 302
    organisation.refresh_from_db()
    assert not organisation.is_active
    entry = ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="update").latest("at")
    assert entry.fields == "is_active"
    # the admin cannot deactivate the organisation it works for
    client.post(f"/administration/organisations/{cast.admin.organisation_id}/active/", {"active": "0"})
    assert Organisation.objects.get(pk=cast.admin.organisation_id).is_active


def test_invite_sends_a_set_password_link_that_works_once(cast: Any, logged_in: Any, client: Client,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    admin = logged_in(cast.admin)
    data = {"first_name": "Noor", "last_name": "Visser", "email": "noor.visser@example.org",
            "username": "nvisser", "organisation": cast.coordinator.organisation_id, "role": Role.CARE_COORDINATOR}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/administration/users/invite/", data)
    assert response.status_code == 302
    user = User.objects.get(username="nvisser")
    assert not user.has_usable_password() and user.role == Role.CARE_COORDINATOR
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["noor.visser@example.org"]
    link = re.search(r"https?://\S+/administration/welcome/\S+/", mail.outbox[0].body)
    assert link and "Visser" not in mail.outbox[0].body  # no more personal data than the user name
    assert admin.post("/administration/users/invite/", data).status_code == 400  # taken name and e-mail
    path = link.group(0).split("testserver", 1)[1]
    anonymous = Client()
    form_page = anonymous.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    response = anonymous.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                              {"new_password1": "een lang en sterk wachtwoord 42",
                               "new_password2": "een lang en sterk wachtwoord 42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een lang en sterk wachtwoord 42")
    assert not Client().get(path, follow=True).context["validlink"]  # used: the link no longer works


def test_change_role_and_deactivate_a_user(cast: Any, logged_in: Any) -> None:
    admin = logged_in(cast.admin)
    target = cast.colleague
    assert admin.get(f"/administration/users/{target.pk}/").status_code == 200
    response = admin.post(f"/administration/users/{target.pk}/", {"organisation": target.organisation_id,
                                                                  "role": Role.ANALYST})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.ANALYST
    entry = ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="update").latest("at")
    assert entry.changes == {"role": {"old": Role.REPORTER, "new": Role.ANALYST}}
    assert admin.post(f"/administration/users/{target.pk}/active/", {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert authenticate(RequestFactory().post("/login/"), username=target.username, password="x" * 12) is None


def test_the_admin_cannot_lock_itself_out(cast: Any, logged_in: Any) -> None:
    admin = logged_in(cast.admin)
    admin.post(f"/administration/users/{cast.admin.pk}/active/", {"active": "0"})
    response = admin.post(f"/administration/users/{cast.admin.pk}/", {"organisation": cast.admin.organisation_id,
                                                                      "role": Role.REPORTER})
    assert response.status_code == 400
    cast.admin.refresh_from_db()
    assert cast.admin.is_active and cast.admin.role == Role.FUNCTIONAL_ADMIN


def test_user_list_read_is_logged(cast: Any, logged_in: Any) -> None:
    logged_in(cast.admin).get("/administration/users/?q=reporter")
    entry = ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="read").latest("at")
    assert entry.actor == cast.admin and "email" in entry.fields


@pytest.mark.parametrize(("path", "make", "query"), [
    ("/administration/organisations/", "organisation", "Zoekbaar"),
    ("/administration/users/", "user", "zoekbaar"),
])
def test_both_lists_search_and_page_alike(cast: Any, logged_in: Any, path: str, make: str, query: str) -> None:
    """The organisations and users lists share one shape: search ``q``, 50 a page, the search kept in the links."""
    from tests.factories import OrganisationFactory, UserFactory
    from vangnet.administration import selectors

    for i in range(51):
        if make == "organisation":
            OrganisationFactory(name=f"Zoekbaar {i:02d}", type=OrganisationType.NGO, municipality_id="GM0344")
        else:
            UserFactory(username=f"zoekbaar{i:02d}", organisation=cast.outsider.organisation)
    rows = (selectors.organisations if make == "organisation" else selectors.users)(query)
    assert rows.count() == 51 and not (selectors.organisations if make == "organisation" else selectors.users)(
        "niets-dat-bestaat").exists()
    pattern = re.compile(query + r" ?\d\d")
    client = logged_in(cast.admin)
    first = client.get(path, {"q": query}).content.decode()
    assert "q=" + query in first and "page=2" in first  # the next page keeps the search
    second = client.get(path, {"q": query, "page": 2}).content.decode()
    assert len(set(pattern.findall(first))) == 50 and len(set(pattern.findall(second))) == 1
    assert logged_in(cast.coordinator).get(path).status_code == 404
