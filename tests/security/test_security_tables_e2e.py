"""On a phone (390 px) and on a desktop (1280 px) the security screens never scroll the whole page sideways:
wide tables scroll inside their own container. Dutch screenshots of both widths (test-artifacts/)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt

from tests.e2e.support import login
from tests.e2e.test_e2e_accessibility import _overflowing
from vangnet.accounts.models import ApiToken, IdentityProvider
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind

pytestmark = pytest.mark.e2e
PAGES = {"security-log": "/log/security/", "processing-log": "/log/", "tokens": "/account/tokens/",
         "locks": "/account/locks/", "mfa-users": "/account/users/mfa/",
         "login-services": "/administration/login-services/"}


@pytest.mark.parametrize("width", [390, 1280])
def test_security_tables_scroll_inside_their_container(new_context: Any, cast: Any, screenshot_dir: Any,
                                                       width: int) -> None:
    ApiToken.issue(cast.reporter.organisation, "registratiesysteem politie met een lange naam")
    IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Politie inlogdienst",
                                    issuer="https://login.politie-amsterdam.example/realms/medewerkers",
                                    client_id="vangnet", client_secret="geheim")
    AccessAttempt.objects.create(username="een.lange.gebruikersnaam@politie.example", ip_address="10.1.2.3",
                                 user_agent="Mozilla/5.0 (Linux; Android 14) een lange user agent", http_accept="*/*",
                                 path_info="/login/", get_data="", post_data="", failures_since_start=4)
    for i in range(3):
        security.record(SecurityEventKind.LOGIN_FAILED, username=f"een.lange.gebruikersnaam.{i}@politie.example",
                        detail={"method": "oidc"})
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    login(page, cast.admin.username)
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("main table").count() >= 1, path
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, (path, width, _overflowing(page, width))
        page.screenshot(path=str(screenshot_dir / f"security-table-{name}-{width}.png"), full_page=True)
