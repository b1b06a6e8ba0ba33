"""The functional administrator manages organisations' identity providers (federated login)."""

from __future__ import annotations

from typing import Any

import pytest

from vangnet.accounts.models import IdentityProvider
from vangnet.audit.models import ProcessingLogEntry, SecurityEvent

pytestmark = pytest.mark.django_db
URL = "/administration/login-services/"


def form_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data = {"organisation": cast.reporter.organisation_id, "name": "Politie login",
            "issuer": "https://login.politie.example", "client_id": "vangnet", "client_secret": "TopGeheim-123",
            "subject_claim": "sub", "scopes": "openid email profile", "mfa_amr_values": "mfa,hwk",
            "mfa_acr_values": "", "is_enabled": "on"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["reporter", "coordinator", "national", "analyst"])
def test_only_the_functional_administrator_gets_in(cast, logged_in, who):
    client = logged_in(getattr(cast, who))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "new/").status_code == 404
    assert client.post(URL + "new/", form_data(cast)).status_code == 404
    assert not IdentityProvider.objects.exists()


def test_admin_connects_changes_and_switches_off_a_provider_logged_and_secret_never_shown(cast, logged_in):
    client = logged_in(cast.admin)
    assert client.get(URL).status_code == 200
    response = client.post(URL + "new/", form_data(cast))
    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.client_secret == "TopGeheim-123"
    page = client.get(URL).content.decode()
    assert f"/account/oidc/{provider.pk}/callback/" in page  # the redirect URI to register
    edit = client.get(f"{URL}{provider.pk}/").content.decode()
    assert "TopGeheim-123" not in edit and "TopGeheim-123" not in page

    # Saving without a secret keeps the old one; a new name is logged, the secret is not in any log.
    response = client.post(f"{URL}{provider.pk}/", form_data(cast, name="Politie SSO", client_secret=""))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Politie SSO", "TopGeheim-123")
    events = SecurityEvent.objects.filter(kind="identity_provider_changed").order_by("at")
    assert [e.detail["change"] for e in events] == ["created", "updated"]
    assert events[1].detail["fields"] == ["name"]
    assert ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="update").exists()
    assert "TopGeheim" not in str(list(ProcessingLogEntry.objects.values())) + str(list(events.values()))

    response = client.post(f"{URL}{provider.pk}/enabled/", {"enabled": "0"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert not provider.is_enabled
    assert SecurityEvent.objects.filter(kind="identity_provider_changed", detail__change="disabled").exists()


@pytest.mark.parametrize(("field", "value"), [
    ("issuer", "http://login.politie.example"),  # plain http, not loopback
    ("issuer", "https://login.politie.example/?x=1"),
    ("scopes", "email profile"),  # no openid
    ("subject_claim", "sub; drop"),
    ("client_secret", ""),  # required when connecting
])
def test_invalid_settings_are_refused_with_a_clear_error(cast, logged_in, field, value):
    response = logged_in(cast.admin).post(URL + "new/", form_data(cast, **{field: value}))
    assert response.status_code == 400
    assert not IdentityProvider.objects.exists()
