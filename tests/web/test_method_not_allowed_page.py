"""A form-only address opened by its URL shows a page in the reader's language, not a blank 405."""

from __future__ import annotations


def test_signals_new_opened_by_url_shows_a_page(cast, logged_in):
    response = logged_in(cast.reporter).get("/signals/new/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "Deze pagina kunt u niet direct openen" in html and 'href="/"' in html


def test_the_api_keeps_its_own_answer(client, db):
    response = client.get("/api/schema/", REQUEST_METHOD="DELETE")
    assert response.status_code == 405 and b"Deze pagina" not in response.content
