"""The processing log and the security log share one search form (audit/_search_form.html)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _form(html: str) -> str:
    return re.search(r'<form method="get" class="vn-filter">.*?</form>', html, re.S).group(0)


def test_both_logs_render_the_shared_form_with_the_current_values(cast, logged_in):
    client = logged_in(cast.admin)
    security = _form(client.get("/log/security/?kind=login_failed&q=reporter&date_from=2026-01-02").content.decode())
    assert '<option value="login_failed" selected>' in security
    assert 'id="s-q" name="q" value="reporter"' in security
    assert 'type="date" id="s-from" name="date_from" value="2026-01-02"' in security
    assert "Zoeken in het beveiligingslogboek" in security

    log = _form(client.get("/log/?case=VN-2026-000001&action=read").content.decode())
    assert 'id="l-case" name="case" value="VN-2026-000001" aria-describedby="l-case-hint"' in log
    assert 'id="l-case-hint"' in log and '<option value="read" selected>' in log
    assert 'name="organisation"' not in log  # the functional admin sees only their own organisation

    national = logged_in(cast.national).get(f"/log/?organisation={cast.national.organisation_id}")
    assert f'<option value="{cast.national.organisation_id}" selected>' in _form(national.content.decode())
    # one include: the same wrapper markup, only the legend and the fields differ
    def wrapper(form: str) -> str:
        return re.sub(r"<legend.*?</legend>", "", form.split('<div class="vn-filter__fields">')[0], flags=re.S)

    assert wrapper(security) == wrapper(log)
