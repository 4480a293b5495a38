"""Deal registration pages: who sees what, forms, and the managers' queue."""

from tests.conftest import csrf_token
from tests.deals.conftest import register


def _form(**overrides):
    data = {"company_name": "Hangzhou Lianmei E-commerce Co., Ltd.", "territory_code": "SH", "country": "CN",
            "domain": "", "tax_id": "", "product_line": "NETWORK", "estimated_value": "260000.00",
            "expected_close_date": "2027-03-31", "description": "Core switch refresh"}
    return {**data, **overrides}


def test_partner_registers_through_the_form(client, auth, east):
    auth.login(east.user)
    response = auth.post("/deals/new", _form())
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Hangzhou Lianmei" in page and 'data-status="approved"' in page and 'data-testid="countdown"' in page
    listing = client.get("/deals").get_data(as_text=True)
    assert "Hangzhou Lianmei" in listing


def test_form_errors_write_nothing(client, auth, east):
    auth.login(east.user)
    response = auth.post("/deals/new", _form(product_line="bad line!", estimated_value="-5"))
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)
    assert "No registrations yet." in client.get("/deals").get_data(as_text=True)


def test_duplicate_is_flagged_before_and_at_submit(client, auth, east):
    auth.login(east.user)
    first = auth.post("/deals/new", _form()).location
    flagged = client.get("/deals/duplicates", query_string={"company_name": "HANGZHOU LIANMEI E-COMMERCE LIMITED",
                                                            "product_line": "NETWORK"}).json
    assert [f["url"] for f in flagged] == [first]
    assert client.get("/deals/duplicates", query_string={"company_name": "Someone Else",
                                                         "product_line": "NETWORK"}).json == []
    again = auth.post("/deals/new", _form(), form_url="/deals/new")
    assert again.status_code == 302 and again.location == first


def test_other_partners_registration_is_404(client, auth, east, south):
    registration = register(client, east).json
    auth.login(south.user)
    assert client.get(f"/deals/{registration['id']}").status_code == 404
    token = csrf_token(client, "/deals")
    for action in ("withdraw", "close", "extension", "appeal"):
        response = client.post(f"/deals/{registration['id']}/{action}",
                               data={"csrf_token": token, "reason": "x", "outcome": "won"})
        assert response.status_code == 404, action


def test_partner_withdraws_and_closes(client, auth, east):
    auth.login(east.user)
    one, two = register(client, east).json, register(client, east, company="Another Customer").json
    auth.post(f"/deals/{one['id']}/withdraw", {}, form_url=f"/deals/{one['id']}")
    auth.post(f"/deals/{two['id']}/close", {"outcome": "won"}, form_url=f"/deals/{two['id']}")
    assert 'data-status="withdrawn"' in client.get(f"/deals/{one['id']}").get_data(as_text=True)
    assert 'data-status="won"' in client.get(f"/deals/{two['id']}").get_data(as_text=True)


def test_rejected_partner_sees_only_that_it_is_protected(client, auth, east, east2):
    register(client, east)
    rejected = register(client, east2).json
    auth.login(east2.user)
    page = client.get(f"/deals/{rejected['id']}").get_data(as_text=True)
    assert "Another partner already holds protection for this deal." in page
    assert "Yangtze Partner" not in page and "Matched registrations" not in page
    response = auth.post(f"/deals/{rejected['id']}/appeal", {"reason": "We met them in March"},
                         form_url=f"/deals/{rejected['id']}")
    assert response.status_code == 302
    assert "Appeal" in client.get(f"/deals/{rejected['id']}").get_data(as_text=True)


def test_review_queue_is_for_channel_managers(client, auth, east, make_user):
    auth.login(east.user)
    assert client.get("/deals/review").status_code == 403
    assert client.get("/deals/policy").status_code == 403
    auth.logout()
    auth.login(make_user("marketing"))
    assert client.get("/deals/review").status_code == 403
    assert client.get("/deals/figures").status_code == 200


def test_manager_approves_from_the_page_and_sets_policy(client, auth, south, manager):
    pending = register(client, south, territory="SH").json
    auth.login(manager.user)
    queue = client.get("/deals/review").get_data(as_text=True)
    assert "The customer is outside your territories." in queue
    response = auth.post(f"/deals/{pending['id']}/approve", {"note": "Known account"}, form_url=f"/deals/{pending['id']}")
    assert response.status_code == 302
    assert 'data-status="approved"' in client.get(f"/deals/{pending['id']}").get_data(as_text=True)
    response = auth.post("/deals/policy", {"protection_days": "60", "extension_days": "15", "max_extensions": "2",
                                           "name_match_threshold": "0.85", "deal_discount_percent": "3"})
    assert response.status_code == 302
    page = client.get("/deals/policy").get_data(as_text=True)
    assert 'value="60"' in page and "checked" not in page.split('name="auto_approve"')[1][:40]


def test_figures(client, auth, east, manager):
    registration = register(client, east).json
    client.post(f"/api/v1/deal-registrations/{registration['id']}/close", json={"outcome": "won"},
                headers=east.headers)
    auth.login(manager.user)
    page = client.get("/deals/figures").get_data(as_text=True)
    assert "Yangtze Partner" in page and "100%" in page and "<svg" in page


def test_dashboard_shows_the_protected_pipeline_and_protections_ending(app, client, auth, east, south, manager):
    from datetime import timedelta

    from deal_registration.models import DealRegistration
    from portal.extensions import db
    from portal.types import utcnow

    ending = register(client, east).json  # 120,000 each, approved by the rules
    register(client, east, company="Suzhou Industrial Park Hospital", product_line="NETWORK")
    assert register(client, south, company="Shenzhen Tengyun Data", territory="GD").status_code == 201
    with app.app_context():
        db.session.get(DealRegistration, ending["id"]).protection_expires_at = utcnow() + timedelta(days=5)
        db.session.commit()

    def figures(user) -> tuple[str, str]:
        auth.login(user)
        page = client.get("/dashboard").get_data(as_text=True)
        auth.logout()
        return tuple(page.split(f'data-testid="{testid}">')[1].split("<")[0]
                     for testid in ("protected-pipeline", "protection-ending"))

    assert figures(east.user) == ("CN¥240,000.00", "1")
    assert figures(south.user) == ("CN¥120,000.00", "0")
    assert figures(manager.user) == ("CN¥360,000.00", "1")
