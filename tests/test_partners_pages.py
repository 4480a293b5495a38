"""The staff and partner-admin pages for partners, people, territories and tiers."""

import pytest
from sqlalchemy import select

from partners.models import Partner, Territory
from portal.audit import AuditEntry
from portal.auth.models import User
from portal.extensions import db

STAFF_PAGES = ["/partners", "/partners/{id}"]
MANAGER_PAGES = ["/partners/new", "/partners/{id}/edit", "/territories", "/tiers", "/partners/{id}/users/new"]


@pytest.fixture
def partner(make_partner):
    return make_partner("Acme Systems")


@pytest.mark.parametrize("role,allowed", [
    ("partner_user", False), ("partner_admin", False), ("marketing", True), ("channel_manager", True), ("admin", True),
])
def test_staff_pages_by_role(client, auth, make_user, partner, role, allowed):
    auth.login(make_user(role))
    for page in STAFF_PAGES:
        assert client.get(page.format(id=partner.id)).status_code == (200 if allowed else 403), page


@pytest.mark.parametrize("role,allowed", [("marketing", False), ("channel_manager", True), ("admin", True)])
def test_manager_pages_by_role(client, auth, make_user, partner, role, allowed):
    auth.login(make_user(role))
    for page in MANAGER_PAGES:
        assert client.get(page.format(id=partner.id)).status_code == (200 if allowed else 403), page


def test_staff_page_is_admin_only(client, auth, make_user):
    auth.login(make_user("channel_manager"))
    assert client.get("/staff").status_code == 403
    auth.logout()
    auth.login(make_user("admin"))
    assert client.get("/staff").status_code == 200


def test_partner_list_searches(client, auth, make_user, make_partner):
    make_partner("上海云启科技有限公司")
    make_partner("Beijing Huaxin")
    auth.login(make_user("channel_manager"))
    page = client.get("/partners?q=云启").get_data(as_text=True)
    assert "上海云启科技有限公司" in page and "Beijing Huaxin" not in page


def test_create_partner_through_the_form(app, client, auth, make_user, make_tier, make_territory):
    make_tier("gold")
    make_territory("CN")
    make_territory("SH", parent="CN")
    auth.login(make_user("channel_manager"))
    response = auth.post("/partners/new", {"name": "Yunqi", "tier": "gold", "territory_codes": ["SH"],
                                           "credit_limit": "2500.00", "status": "active"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Yunqi" in page and "partner.created" in page  # the audit trail shows on the page
    with app.app_context():
        created = db.session.scalar(select(Partner).where(Partner.name == "Yunqi"))
        assert [t.code for t in created.territories] == ["SH"] and str(created.credit_limit) == "2500.00"


def test_partner_form_shows_errors_and_writes_nothing(app, client, auth, make_user, make_tier):
    make_tier("gold")
    auth.login(make_user("channel_manager"))
    response = auth.post("/partners/new", {"name": "", "tier": "gold", "credit_limit": "-1"})
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)
    response = auth.post("/partners/new", {"name": "X", "tier": "gold", "territory_codes": ["NOPE"], "credit_limit": "1"})
    assert "Unknown territory: NOPE" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Partner)) is None


def test_edit_partner_records_before_and_after(app, client, auth, make_user, partner):
    auth.login(make_user("channel_manager"))
    response = auth.post(f"/partners/{partner.id}/edit", {"name": "Acme Renamed", "tier": "gold",
                                                          "territory_codes": ["CN"], "credit_limit": "10000.00",
                                                          "status": "suspended"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "partner.updated")).one()
        assert entry.before["name"] == "Acme Systems" and entry.after["name"] == "Acme Renamed"
        assert entry.after["status"] == "suspended" and entry.actor.role == "channel_manager"


def test_territory_tree_create_and_move_subtree(app, client, auth, make_user):
    auth.login(make_user("channel_manager"))
    for code, parent in (("CN", ""), ("EAST", "CN"), ("SH", "EAST"), ("SOUTH", "CN")):
        assert auth.post("/territories", {"code": code, "name": code, "parent_code": parent}).status_code == 302
    response = auth.post("/territories/EAST/edit", {"name": "East", "parent_code": "SOUTH"})
    assert response.status_code == 302
    with app.app_context():
        paths = dict(db.session.execute(select(Territory.code, Territory.path)).all())
    assert paths["SH"] == "CN/SOUTH/EAST/SH" and paths["EAST"] == "CN/SOUTH/EAST"
    cycle = auth.post("/territories/CN/edit", {"name": "CN", "parent_code": "SH"})
    assert cycle.status_code == 200 and "cannot move under itself" in cycle.get_data(as_text=True)
    duplicate = auth.post("/territories", {"code": "SH", "name": "Again", "parent_code": ""})
    assert "exists already" in duplicate.get_data(as_text=True)


def test_partner_covers_descendant_territories(app, make_partner, make_territory):
    make_territory("CN")
    make_territory("EAST", parent="CN")
    make_territory("SH", parent="EAST")
    make_territory("HK")
    partner = make_partner(territories=("EAST",))
    with app.app_context():
        loaded = db.session.get(Partner, partner.id)
        by_code = {t.code: t for t in db.session.scalars(select(Territory))}
        assert loaded.covers(by_code["SH"]) and loaded.covers(by_code["EAST"])
        assert not loaded.covers(by_code["CN"]) and not loaded.covers(by_code["HK"])


def test_tiers_page_creates_and_updates(app, client, auth, make_user):
    auth.login(make_user("channel_manager"))
    assert auth.post("/tiers", {"code": "gold", "name": "Gold", "discount_percent": "12.5"}).status_code == 302
    assert auth.post("/tiers", {"code": "gold", "name": "Gold", "discount_percent": "0"}).status_code == 302
    assert "0.00" in client.get("/tiers").get_data(as_text=True)
    response = auth.post("/tiers", {"code": "gold", "name": "Gold", "discount_percent": "120"})
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)


def test_partner_admin_manages_own_team_only(app, client, auth, make_partner, make_user):
    mine, theirs = make_partner("Mine"), make_partner("Theirs")
    admin = make_user("partner_admin", mine)
    colleague = make_user("partner_user", mine)
    stranger = make_user("partner_user", theirs)
    auth.login(admin)
    team = client.get("/team").get_data(as_text=True)
    assert colleague.email in team and stranger.email not in team
    response = auth.post(f"/partners/{mine.id}/users/new", {"email": "new@mine.example.com", "name": "New",
                                                            "password": "long-enough-pass", "role": "partner_user"})
    assert response.status_code == 302 and response.location == "/team"
    assert client.get(f"/partners/{theirs.id}/users/new").status_code == 404
    assert client.get(f"/users/{stranger.id}/edit").status_code == 404
    response = auth.post(f"/users/{colleague.id}/edit", {"name": "C", "role": "partner_user"})  # unticked: deactivate
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, colleague.id).active is False


def test_partner_user_has_no_team_page(client, auth, make_user):
    auth.login(make_user("partner_user"))
    assert client.get("/team").status_code == 403


def test_admin_creates_staff(app, client, auth, make_user):
    auth.login(make_user("admin"))
    response = auth.post("/staff/new", {"email": "cm@example.com", "name": "CM", "password": "long-enough-pass",
                                        "role": "channel_manager"})
    assert response.status_code == 302
    assert "cm@example.com" in client.get("/staff").get_data(as_text=True)
