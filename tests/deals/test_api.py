"""Every call of API.md's "Deal registration" section, with its error codes."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.deals.conftest import deal, register


def test_first_registration_is_approved_for_the_protection_period(client, east):
    response = register(client, east)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "approved" and body["reason"] is None and body["extensions_used"] == 0
    assert body["customer"] == {"company_name": "Shanghai Yunqi Technology Co., Ltd.", "territory_code": "SH",
                                "country": "CN", "domain": None, "tax_id": None}
    assert body["product_line"] == "STORAGE" and body["estimated_value"] == "120000.00"
    created = datetime.fromisoformat(body["created_at"])
    expires = datetime.fromisoformat(body["protection_expires_at"])
    assert expires - created == timedelta(days=90) and created.tzinfo is not None
    assert "match_evidence" not in body


def test_same_partner_twice_is_a_duplicate(client, east):
    first = register(client, east).json
    again = register(client, east, company="SHANGHAI YUNQI TECHNOLOGY LIMITED")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "duplicate_registration"
    assert again.json["error"]["existing_id"] == first["id"]
    assert client.get("/api/v1/deal-registrations", headers=east.headers).json["total"] == 1


def test_another_partner_is_rejected_and_learns_nothing(client, east, east2):
    holder = register(client, east, tax_id="91310000MA1FL0001X").json
    response = register(client, east2, company="Yunqi (Shanghai) Tech", tax_id="91310000-ma1fl0001x")
    assert response.status_code == 201
    body = response.json
    assert (body["status"], body["reason"], body["protection_expires_at"]) == ("rejected", "already_protected", None)
    assert set(body) == {"id", "status", "reason", "customer", "product_line", "estimated_value", "description",
                         "expected_close_date", "partner_id", "created_at", "protection_expires_at", "extensions_used"}
    assert body["partner_id"] == east2.partner.id
    text = response.get_data(as_text=True)
    assert "Yangtze Partner" not in text and holder["protection_expires_at"] not in text


def test_other_product_line_is_another_deal(client, east, east2):
    register(client, east)
    assert register(client, east2, product_line="NETWORK").json["status"] == "approved"


def test_expired_protection_protects_nothing_before_the_sweep(app, client, east, east2):
    from deal_registration.models import DealRegistration
    from portal.extensions import db

    first = register(client, east).json
    with app.app_context():
        db.session.get(DealRegistration, first["id"]).protection_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert register(client, east2).json["status"] == "approved"


def test_pending_competitors_make_one_conflict(client, east, east2, south, manager):
    client.put("/api/v1/deal-policy", json={"auto_approve": False}, headers=manager.headers)
    first = register(client, east).json
    assert (first["status"], first["reason"]) == ("pending_review", "awaiting_approval")
    second = register(client, east2, domain="https://www.yunqi.example.com/").json
    third = register(client, south, domain="sales@yunqi.example.com").json
    assert second["status"] == third["status"] == "conflict"
    conflicts = client.get("/api/v1/deal-conflicts?status=open", headers=manager.headers).json
    assert len(conflicts) == 1
    members = conflicts[0]["registrations"]
    assert sorted(r["id"] for r in members) == sorted([first["id"], second["id"], third["id"]])
    assert all(r["status"] == "conflict" for r in members)
    evidence = next(r for r in members if r["id"] == third["id"])["match_evidence"]
    assert {"registration_id": second["id"], "field": "domain", "score": 1.0} in evidence


def test_outside_territory_waits_for_review(client, south):
    response = register(client, south, territory="SH").json
    assert (response["status"], response["reason"]) == ("pending_review", "outside_territory")


def test_validation_errors_change_nothing(client, east):
    cases = [
        ({"product_line": "bad line!"}, "product_line"),
        ({"territory": "NOPE"}, "customer.territory_code"),
        ({"company": "  有限公司 "}, None),
    ]
    bad_value = deal()
    bad_value["estimated_value"] = "12.345"
    assert client.post("/api/v1/deal-registrations", json=bad_value, headers=east.headers).status_code == 422
    negative = deal()
    negative["estimated_value"] = "-1"
    assert client.post("/api/v1/deal-registrations", json=negative, headers=east.headers).status_code == 422
    bad_date = deal()
    bad_date["expected_close_date"] = "31/03/2027"
    response = client.post("/api/v1/deal-registrations", json=bad_date, headers=east.headers)
    assert response.status_code == 422 and "expected_close_date" in response.json["error"]["fields"]
    for overrides, field in cases:
        response = register(client, east, **overrides)
        if field:
            assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    missing = client.post("/api/v1/deal-registrations", json={"customer": {}}, headers=east.headers)
    assert missing.status_code == 422
    assert {"customer.company_name", "product_line"} <= set(missing.json["error"]["fields"])
    assert client.get("/api/v1/deal-registrations", headers=east.headers).json["total"] <= 1


def test_staff_cannot_register(client, manager, territories):
    assert client.post("/api/v1/deal-registrations", json=deal(), headers=manager.headers).status_code == 403


def test_tenant_isolation(client, east, south, manager):
    mine = register(client, east).json["id"]
    for method, url, body in [
        ("get", f"/api/v1/deal-registrations/{mine}", None),
        ("get", f"/api/v1/deal-registrations/{mine}/history", None),
        ("post", f"/api/v1/deal-registrations/{mine}/withdraw", None),
        ("post", f"/api/v1/deal-registrations/{mine}/close", {"outcome": "won"}),
        ("post", f"/api/v1/deal-registrations/{mine}/extension-requests", {"reason": "x"}),
        ("post", f"/api/v1/deal-registrations/{mine}/appeal", {"reason": "x"}),
    ]:
        response = getattr(client, method)(url, json=body, headers=south.headers)
        assert response.status_code == 404, url
        assert response.json == client.get("/api/v1/deal-registrations/999999", headers=south.headers).json
    assert client.get("/api/v1/deal-registrations", headers=south.headers).json["items"] == []
    staff_view = client.get("/api/v1/deal-registrations", headers=manager.headers).json
    assert staff_view["total"] == 1 and staff_view["items"][0]["partner_name"] == "Yangtze Partner"


def test_history_oldest_first(client, east):
    registration = register(client, east).json
    client.post(f"/api/v1/deal-registrations/{registration['id']}/withdraw", headers=east.headers)
    history = client.get(f"/api/v1/deal-registrations/{registration['id']}/history", headers=east.headers).json
    assert [(h["action"], h["from_status"], h["to_status"]) for h in history] == [
        ("submitted", None, "approved"), ("withdrawn", "approved", "withdrawn")]
    assert history[0]["actor"] == east.user.email and set(history[0]) == {"at", "actor", "action", "from_status",
                                                                          "to_status", "note"}


def test_manager_approves_and_rejects_pending(client, east, south, manager):
    pending = register(client, south, territory="SH").json
    assert client.post(f"/api/v1/deal-registrations/{pending['id']}/approve", json={},
                       headers=south.headers).status_code == 403
    approved = client.post(f"/api/v1/deal-registrations/{pending['id']}/approve", json={}, headers=manager.headers)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    again = client.post(f"/api/v1/deal-registrations/{pending['id']}/approve", json={}, headers=manager.headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"
    other = register(client, south, territory="SH", company="Another Customer Ltd").json
    no_reason = client.post(f"/api/v1/deal-registrations/{other['id']}/reject", json={}, headers=manager.headers)
    assert no_reason.status_code == 422
    rejected = client.post(f"/api/v1/deal-registrations/{other['id']}/reject", json={"reason": "Not a real deal"},
                           headers=manager.headers)
    assert rejected.json["status"] == "rejected"


def test_approve_when_another_partner_holds_protection(app, client, east, south, manager):
    pending = register(client, south, territory="SH").json
    assert pending["status"] == "pending_review"
    # East registers a different spelling that matches by tax id only later: make East hold protection directly.
    client.put("/api/v1/deal-policy", json={"auto_approve": True}, headers=manager.headers)
    from deal_registration.models import DealRegistration
    from portal.extensions import db

    held = register(client, east, company="Totally Different Name Co", tax_id="TAX-1").json
    with app.app_context():
        registration = db.session.get(DealRegistration, pending["id"])
        registration.tax_id_norm = "TAX1"
        db.session.commit()
    response = client.post(f"/api/v1/deal-registrations/{pending['id']}/approve", json={}, headers=manager.headers)
    assert held["status"] == "approved"
    assert response.status_code == 409 and response.json["error"]["code"] == "already_protected"


def test_withdraw_releases_protection(client, east, east2):
    first = register(client, east).json
    assert client.post(f"/api/v1/deal-registrations/{first['id']}/withdraw", headers=east.headers).json["status"] == "withdrawn"
    assert register(client, east2).json["status"] == "approved"
    again = client.post(f"/api/v1/deal-registrations/{first['id']}/withdraw", headers=east.headers)
    assert again.status_code == 409


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_close(client, east, outcome):
    registration = register(client, east).json
    response = client.post(f"/api/v1/deal-registrations/{registration['id']}/close", json={"outcome": outcome},
                           headers=east.headers)
    assert response.status_code == 200 and response.json["status"] == outcome
    bad = client.post(f"/api/v1/deal-registrations/{registration['id']}/close", json={"outcome": "maybe"},
                      headers=east.headers)
    assert bad.status_code == 422


def test_extensions(client, east, manager):
    registration = register(client, east).json
    url = f"/api/v1/deal-registrations/{registration['id']}/extension-requests"
    requested = client.post(url, json={"reason": "Customer delayed the tender"}, headers=east.headers)
    assert requested.status_code == 201 and requested.json["status"] == "pending"
    over = client.post(url, json={"reason": "again"}, headers=east.headers)
    assert over.status_code == 409 and over.json["error"]["code"] == "extension_limit"
    assert client.post(f"/api/v1/extension-requests/{requested.json['id']}/approve",
                       headers=east.headers).status_code == 403
    approved = client.post(f"/api/v1/extension-requests/{requested.json['id']}/approve", headers=manager.headers)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    after = client.get(f"/api/v1/deal-registrations/{registration['id']}", headers=east.headers).json
    assert after["extensions_used"] == 1
    gained = datetime.fromisoformat(after["protection_expires_at"]) - datetime.fromisoformat(registration["protection_expires_at"])
    assert gained == timedelta(days=30)
    assert client.post(url, json={"reason": "one more"}, headers=east.headers).json["error"]["code"] == "extension_limit"


def test_resolve_conflict(client, east, east2, manager):
    client.put("/api/v1/deal-policy", json={"auto_approve": False}, headers=manager.headers)
    first, second = register(client, east).json, register(client, east2).json
    conflict = client.get("/api/v1/deal-conflicts", headers=manager.headers).json[0]
    url = f"/api/v1/deal-conflicts/{conflict['id']}/resolve"
    assert client.post(url, json={"winner_id": 999, "reason": "x"}, headers=manager.headers).status_code == 422
    assert client.post(url, json={"winner_id": second["id"]}, headers=manager.headers).status_code == 422
    resolved = client.post(url, json={"winner_id": second["id"], "reason": "Earlier meeting minutes"},
                           headers=manager.headers)
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    winner = client.get(f"/api/v1/deal-registrations/{second['id']}", headers=east2.headers).json
    loser = client.get(f"/api/v1/deal-registrations/{first['id']}", headers=east.headers).json
    assert winner["status"] == "approved" and winner["protection_expires_at"]
    assert (loser["status"], loser["reason"]) == ("rejected", "lost_conflict")
    assert client.get("/api/v1/deal-conflicts", headers=manager.headers).json == []
    assert client.post(url, json={"winner_id": second["id"], "reason": "again"}, headers=manager.headers).status_code == 409
    assert client.get("/api/v1/deal-conflicts", headers=east.headers).status_code == 403


def test_appeal_once_and_overturn_moves_protection(client, east, east2, manager):
    holder = register(client, east).json
    rejected = register(client, east2).json
    url = f"/api/v1/deal-registrations/{rejected['id']}/appeal"
    assert client.post(f"/api/v1/deal-registrations/{holder['id']}/appeal", json={"reason": "x"},
                       headers=east.headers).status_code == 409
    appealed = client.post(url, json={"reason": "We met the customer first"}, headers=east2.headers)
    assert appealed.status_code == 201 and appealed.json["status"] == "pending"
    twice = client.post(url, json={"reason": "again"}, headers=east2.headers)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "appeal_exists"
    queue = client.get("/api/v1/deal-appeals", headers=manager.headers).json
    assert [a["id"] for a in queue] == [appealed.json["id"]]
    done = client.post(f"/api/v1/deal-appeals/{appealed.json['id']}/overturn", json={"reason": "Evidence checked"},
                       headers=manager.headers)
    assert done.status_code == 200 and done.json["status"] == "overturned"
    now_holder = client.get(f"/api/v1/deal-registrations/{rejected['id']}", headers=east2.headers).json
    former = client.get(f"/api/v1/deal-registrations/{holder['id']}", headers=east.headers).json
    assert now_holder["status"] == "approved" and (former["status"], former["reason"]) == ("rejected", "protection_moved")
    actions = [h["action"] for h in client.get(f"/api/v1/deal-registrations/{rejected['id']}/history",
                                               headers=east2.headers).json]
    assert actions == ["submitted", "appealed", "appeal_overturned"]
    assert [h["action"] for h in client.get(f"/api/v1/deal-registrations/{holder['id']}/history",
                                            headers=east.headers).json] == ["submitted", "protection_moved"]


def test_appeal_dismissed(client, east, east2, manager):
    register(client, east)
    rejected = register(client, east2).json
    appealed = client.post(f"/api/v1/deal-registrations/{rejected['id']}/appeal", json={"reason": "please"},
                           headers=east2.headers).json
    dismissed = client.post(f"/api/v1/deal-appeals/{appealed['id']}/dismiss", json={"reason": "No evidence"},
                            headers=manager.headers)
    assert dismissed.json["status"] == "dismissed"
    assert client.get(f"/api/v1/deal-registrations/{rejected['id']}", headers=east2.headers).json["status"] == "rejected"


def test_policy(client, east, manager):
    assert client.get("/api/v1/deal-policy", headers=east.headers).json == {
        "protection_days": 90, "extension_days": 30, "max_extensions": 1, "auto_approve": True,
        "name_match_threshold": 0.9, "deal_discount_percent": "5.00"}
    assert client.put("/api/v1/deal-policy", json={"protection_days": 60}, headers=east.headers).status_code == 403
    changed = client.put("/api/v1/deal-policy", json={"protection_days": 60, "name_match_threshold": 0.85},
                         headers=manager.headers)
    assert changed.status_code == 200 and changed.json["protection_days"] == 60
    assert changed.json["name_match_threshold"] == 0.85
    for bad in ({"protection_days": 0}, {"name_match_threshold": 2}, {"deal_discount_percent": "-1"}, {"x": 1}):
        assert client.put("/api/v1/deal-policy", json=bad, headers=manager.headers).status_code == 422, bad


def test_owner_is_notified_of_every_change(client, east, manager):
    registration = register(client, east).json
    client.post(f"/api/v1/deal-registrations/{registration['id']}/withdraw", headers=east.headers)
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=east.headers).json]
    assert kinds == ["deal.withdrawn", "deal.approved"]
    chinese = client.get("/api/v1/notifications", headers={**east.headers, "Accept-Language": "zh-CN"}).json
    assert "撤回" in chinese[0]["message"]
