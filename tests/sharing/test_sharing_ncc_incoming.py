"""The national coordination centre works its incoming handovers in the web UI (list, open, accept, decline)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sharing.conftest import give_consent
from vangnet.audit.models import ProcessingLogEntry
from vangnet.sharing.models import Handover, HandoverStatus


@pytest.fixture
def to_ncc(cast: Any, case: Any, logged_in: Any) -> Handover:
    give_consent(case, "registration", cast.coordinator)
    client = logged_in(cast.coordinator)
    response = client.post(f"/sharing/cases/{case.reference}/handover/", {
        "purpose": "registration", "recipient": cast.national.organisation.pk, "message": "Graag registreren"})
    assert response.status_code == 302
    return Handover.objects.get(recipient=cast.national.organisation)


def test_ncc_lists_opens_and_accepts_an_incoming_handover(cast, to_ncc, client):
    client.force_login(cast.national)
    listing = client.get("/sharing/")
    assert listing.status_code == 200
    assert to_ncc.case.reference in listing.content.decode()
    detail = client.get(f"/sharing/handovers/{to_ncc.public_id}/")
    assert detail.status_code == 200
    assert "Accepteren" in detail.content.decode() or "accept" in detail.content.decode()
    assert ProcessingLogEntry.objects.filter(object_id=str(to_ncc.pk), actor=cast.national).exists()
    response = client.post(f"/sharing/handovers/{to_ncc.public_id}/accept/")
    assert response.status_code == 302
    to_ncc.refresh_from_db()
    assert to_ncc.status == HandoverStatus.ACCEPTED


def test_ncc_declines_with_a_reason(cast, to_ncc, client):
    client.force_login(cast.national)
    response = client.post(f"/sharing/handovers/{to_ncc.public_id}/decline/", {"decline-reason": "Al geregistreerd"})
    assert response.status_code == 302
    to_ncc.refresh_from_db()
    assert to_ncc.status == HandoverStatus.DECLINED


@pytest.mark.parametrize("who", ["analyst", "admin", "outsider"])
def test_others_still_cannot_open_the_ncc_handover(cast, to_ncc, client, who):
    client.force_login(getattr(cast, who))
    assert client.get(f"/sharing/handovers/{to_ncc.public_id}/").status_code == 404
    assert client.post(f"/sharing/handovers/{to_ncc.public_id}/accept/").status_code == 404
