"""Every shelter view against the fixed cast plus two shelter providers' intake staff: 404 for no access."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.shelters import services
from vangnet.shelters.models import Notification, PlaceCapacity, Placement

pytestmark = pytest.mark.django_db

EVERYONE = ("reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin",
            "intake", "other_intake")


@pytest.fixture
def world(cast: Any, intake: Any, other_intake: Any, location: Any, placement_request: Any) -> dict[str, Any]:
    capacity = PlaceCapacity.objects.get(location=location, place_type="women")
    with processing_context(actor=intake):
        block = services.block_places(capacity, places=1, reason="staffing",
                                      ends_on=timezone.localdate() + datetime.timedelta(days=2), actor=intake)
    with processing_context(actor=cast.coordinator):
        placement = services.reserve(placement_request.pk, capacity.pk, actor=cast.coordinator)
    users = {**cast.all(), "intake": intake, "other_intake": other_intake}
    return {"users": users, "req": placement_request, "placement": placement, "location": location,
            "block": block, "case": placement_request.case,
            "notification": Notification.objects.filter(organisation=location.provider).first()}


def allowed_get(name: str) -> set[str]:
    return {
        "index": {"reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "intake",
                  "other_intake"},
        "national": {"national"},
        "request_create": {"reporter", "colleague", "coordinator", "national"},
        "request": {"reporter", "colleague", "coordinator", "national"},
        "placement": {"reporter", "colleague", "coordinator", "national", "intake"},
        "location": {"intake"},
        "location_create": {"intake", "other_intake"},
    }[name]


def get_url(name: str, w: dict[str, Any]) -> str:
    args = {"index": [], "national": [], "request_create": [w["case"].reference], "request": [w["req"].pk],
            "placement": [w["placement"].pk], "location": [w["location"].pk], "location_create": []}[name]
    return reverse(f"shelters:{name}", args=args)


@pytest.mark.parametrize("name", ["index", "national", "request_create", "request", "placement", "location",
                                  "location_create"])
def test_get_views_answer_404_without_access(name: str, world: dict[str, Any], client: Any) -> None:
    url = get_url(name, world)
    for username in EVERYONE:
        client.force_login(world["users"][username])
        response = client.get(url)
        expected = 200 if username in allowed_get(name) else 404
        assert response.status_code == expected, f"{username} GET {url}: {response.status_code}"
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


POSTS = {
    # name → (url args, data, users who may do it, the status they get)
    "reserve": (lambda w: [w["req"].pk], lambda w: {"capacity": "0"}, {"reporter", "colleague", "coordinator",
                                                                         "national"}, 302),
    "request_wait": (lambda w: [w["req"].pk], lambda w: {}, {"reporter", "colleague", "coordinator", "national"}, 302),
    "placement_accept": (lambda w: [w["placement"].pk], lambda w: {}, {"intake"}, 302),
    "placement_decline": (lambda w: [w["placement"].pk], lambda w: {}, {"intake"}, 400),
    "placement_admit": (lambda w: [w["placement"].pk], lambda w: {}, {"intake"}, 400),
    "placement_discharge": (lambda w: [w["placement"].pk], lambda w: {}, {"intake"}, 400),
    "capacity_set": (lambda w: [w["location"].pk], lambda w: {}, {"intake"}, 400),
    "block_create": (lambda w: [w["location"].pk], lambda w: {}, {"intake"}, 400),
    "notification_read": (lambda w: [w["notification"].pk], lambda w: {}, {"intake"}, 302),
}


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_views_answer_404_without_access(name: str, world: dict[str, Any], client: Any) -> None:
    args, data, allowed, status = POSTS[name]
    url = reverse(f"shelters:{name}", args=args(world))
    for username in EVERYONE:
        if username in allowed:
            continue
        client.force_login(world["users"][username])
        response = client.post(url, data(world))
        assert response.status_code == 404, f"{username} POST {url}: {response.status_code}"
    for username in allowed:
        client.force_login(world["users"][username])
        response = client.post(url, data(world))
        assert response.status_code == status, f"{username} POST {url}: {response.status_code}"
        assert b"Traceback" not in response.content


def test_destructive_posts_404_for_outsiders(world: dict[str, Any], client: Any) -> None:
    """Cancel, give back and lift change data: try them only as outsiders, then once as the owner."""
    targets = [
        (reverse("shelters:request_cancel", args=[world["req"].pk]), {"outsider", "other_coordinator", "analyst",
                                                                       "admin", "intake", "other_intake"}),
        (reverse("shelters:placement_give_back", args=[world["placement"].pk]),
         {"outsider", "other_coordinator", "analyst", "admin", "intake", "other_intake"}),
        (reverse("shelters:block_lift", args=[world["block"].pk]),
         {"reporter", "coordinator", "national", "other_intake", "analyst", "admin"}),
    ]
    for url, denied in targets:
        for username in denied:
            client.force_login(world["users"][username])
            assert client.post(url).status_code == 404, f"{username} POST {url}"
    client.force_login(world["users"]["intake"])
    assert client.post(targets[2][0]).status_code == 302
    client.force_login(world["users"]["coordinator"])
    assert client.post(targets[1][0]).status_code == 302
    assert Placement.objects.get(pk=world["placement"].pk).status == "cancelled"
    assert client.post(targets[0][0]).status_code == 302


def test_address_only_for_provider_and_placing_organisation_after_acceptance(world: dict[str, Any],
                                                                           client: Any) -> None:
    users = world["users"]
    url = reverse("shelters:placement", args=[world["placement"].pk])
    address = world["location"].address.encode()
    for username, sees in (("intake", True), ("coordinator", False), ("reporter", False), ("national", False)):
        client.force_login(users[username])
        assert (address in client.get(url).content) is sees, username
    client.force_login(users["intake"])
    client.post(reverse("shelters:placement_accept", args=[world["placement"].pk]))
    for username, sees in (("coordinator", True), ("reporter", False), ("colleague", False), ("national", False)):
        client.force_login(users[username])
        assert (address in client.get(url).content) is sees, username
    assert ProcessingLogEntry.objects.filter(activity__code="shelter_placement", action="read",
                                             fields__contains="address").exists()


def test_provider_sees_no_name_or_case_before_acceptance(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["intake"])
    for url in (reverse("shelters:index"), reverse("shelters:placement", args=[world["placement"].pk])):
        content = client.get(url).content.decode()
        assert "Olumide" not in content and "Adeyemi" not in content
        assert world["case"].reference not in content
    # and the case itself stays closed to the shelter
    assert client.get(reverse("cases:detail", args=[world["case"].reference])).status_code == 404


def test_case_panel_shows_for_involved_and_offers_request(cast: Any, registered_signal: Any, client: Any) -> None:
    client.force_login(cast.coordinator)
    content = client.get(reverse("cases:detail", args=[registered_signal.case.reference])).content.decode()
    assert 'id="h-placement"' in content
    assert reverse("shelters:request_create", args=[registered_signal.case.reference]) in content


def test_request_form_keeps_input_on_error(cast: Any, registered_signal: Any, client: Any) -> None:
    client.force_login(cast.coordinator)
    url = reverse("shelters:request_create", args=[registered_signal.case.reference])
    response = client.post(url, {"gender": "female", "age": "17", "is_minor": "on", "children_count": "0"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose how urgent the placement is." in content or "Kies" in content
    assert 'value="17"' in content
