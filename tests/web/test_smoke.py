def test_login_page_renders(client, db):  # the page asks whether organisations have login services
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Vangnet" in response.content


def test_signal_registration_creates_case_led_by_region(registered_signal, cast):
    case = registered_signal.case
    assert case.lead_organisation == cast.coordinator.organisation
    assert case.status == "new"
    assert registered_signal.indicators.count() == 2
