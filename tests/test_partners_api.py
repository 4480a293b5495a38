"""People and organisations through the API: roles, validation, tenant isolation."""

import pytest

STAFF = ("channel_manager", "marketing", "admin")


@pytest.fixture
def manager(make_user, token_for):
    return token_for(make_user("channel_manager"))


def test_territories_create_list_and_errors(client, manager, make_user, token_for):
    assert client.post("/api/v1/territories", json={"code": "CN", "name": "China"}, headers=manager).status_code == 201
    response = client.post("/api/v1/territories", json={"code": "SH", "name": "Shanghai", "parent_code": "CN"},
                           headers=manager)
    assert response.status_code == 201
    assert response.json == {"id": response.json["id"], "code": "SH", "name": "Shanghai", "parent_code": "CN",
                             "path": "CN/SH"}
    duplicate = client.post("/api/v1/territories", json={"code": "SH", "name": "Again"}, headers=manager)
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "code_taken"
    orphan = client.post("/api/v1/territories", json={"code": "X1", "name": "X", "parent_code": "NOPE"},
                         headers=manager)
    assert orphan.status_code == 422 and "parent_code" in orphan.json["error"]["fields"]
    bad = client.post("/api/v1/territories", json={"code": "bad code!", "name": "X"}, headers=manager)
    assert bad.status_code == 422 and "code" in bad.json["error"]["fields"]
    partner_user = token_for(make_user("partner_user"))
    listed = client.get("/api/v1/territories", headers=partner_user)
    assert [t["code"] for t in listed.json] == ["CN", "SH"]
    forbidden = client.post("/api/v1/territories", json={"code": "BJ", "name": "Beijing"}, headers=partner_user)
    assert forbidden.status_code == 403 and forbidden.json["error"]["code"] == "forbidden"


def test_price_tier_put(client, manager, make_user, token_for):
    response = client.put("/api/v1/price-tiers/gold", json={"discount_percent": "12.5"}, headers=manager)
    assert response.status_code == 200 and response.json["discount_percent"] == "12.50"
    response = client.put("/api/v1/price-tiers/gold", json={"discount_percent": "15"}, headers=manager)
    assert response.json["discount_percent"] == "15.00"
    for bad in ("-1", "100.01", "abc", "1.234"):
        response = client.put("/api/v1/price-tiers/gold", json={"discount_percent": bad}, headers=manager)
        assert response.status_code == 422, bad
        assert "discount_percent" in response.json["error"]["fields"]
    assert client.get("/api/v1/price-tiers", headers=manager).json[0]["discount_percent"] == "15.00"
    marketing = token_for(make_user("marketing"))
    assert client.put("/api/v1/price-tiers/gold", json={"discount_percent": "1"}, headers=marketing).status_code == 403


def test_create_partner_and_validation(client, manager, make_tier, make_territory):
    make_tier("gold")
    make_territory("CN")
    response = client.post("/api/v1/partners", json={"name": "Acme", "tier": "gold", "territory_codes": ["CN"],
                                                     "credit_limit": "50000.00"}, headers=manager)
    assert response.status_code == 201
    body = response.json
    assert body["name"] == "Acme" and body["tier"] == "gold" and body["territory_codes"] == ["CN"]
    assert body["credit_limit"] == "50000.00" and body["status"] == "active" and isinstance(body["id"], int)

    unknown_tier = client.post("/api/v1/partners", json={"name": "B", "tier": "nope"}, headers=manager)
    assert unknown_tier.status_code == 422 and "tier" in unknown_tier.json["error"]["fields"]
    unknown_territory = client.post("/api/v1/partners", json={"name": "B", "tier": "gold", "territory_codes": ["ZZ"]},
                                    headers=manager)
    assert unknown_territory.status_code == 422 and "territory_codes" in unknown_territory.json["error"]["fields"]
    negative = client.post("/api/v1/partners", json={"name": "B", "tier": "gold", "credit_limit": "-5"}, headers=manager)
    assert negative.status_code == 422 and "credit_limit" in negative.json["error"]["fields"]
    listed = client.get("/api/v1/partners", headers=manager).json
    assert listed["total"] == 1  # none of the refused ones was written


def test_error_shapes(client, manager):
    malformed = client.post("/api/v1/partners", data="{not json", content_type="application/json", headers=manager)
    assert malformed.status_code == 400
    assert set(malformed.json["error"]) >= {"code", "message"}
    missing = client.post("/api/v1/partners", json={}, headers=manager)
    assert missing.status_code == 422
    assert set(missing.json["error"]["fields"]) == {"name", "tier"}
    not_object = client.post("/api/v1/partners", json=[1, 2], headers=manager)
    assert not_object.status_code == 422
    wrong_type = client.post("/api/v1/partners", json={"name": 5, "tier": "x", "credit_limit": "NaN"}, headers=manager)
    assert wrong_type.status_code == 422 and "name" in wrong_type.json["error"]["fields"]
    unknown = client.get("/api/v1/partners/999999", headers=manager)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    no_route = client.get("/api/v1/nothing-here", headers=manager)
    assert no_route.status_code == 404 and no_route.json["error"]["code"] == "not_found"
    no_token = client.get("/api/v1/partners")
    assert no_token.status_code == 401 and no_token.json["error"]["code"] == "unauthorized"
    bad_token = client.get("/api/v1/partners", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401


@pytest.mark.parametrize("role", STAFF)
def test_staff_list_partners(client, make_partner, make_user, token_for, role):
    make_partner("Alpha")
    make_partner("Beta")
    response = client.get("/api/v1/partners?q=alp", headers=token_for(make_user(role)))
    assert response.status_code == 200
    assert [p["name"] for p in response.json["items"]] == ["Alpha"]


def test_partner_roles_cannot_list_partners(client, make_user, token_for):
    for role in ("partner_user", "partner_admin"):
        assert client.get("/api/v1/partners", headers=token_for(make_user(role))).status_code == 403


def test_partner_sees_own_partner_only(client, make_partner, make_user, token_for):
    mine, theirs = make_partner("Mine"), make_partner("Theirs")
    headers = token_for(make_user("partner_user", mine))
    assert client.get(f"/api/v1/partners/{mine.id}", headers=headers).json["name"] == "Mine"
    response = client.get(f"/api/v1/partners/{theirs.id}", headers=headers)
    assert response.status_code == 404
    assert response.json == client.get("/api/v1/partners/424242", headers=headers).json


def test_patch_partner(client, manager, make_partner, make_tier, make_territory, make_user, token_for):
    partner = make_partner("Acme")
    make_tier("silver", "10")
    make_territory("HK")
    response = client.patch(f"/api/v1/partners/{partner.id}",
                            json={"tier": "silver", "territory_codes": ["HK"], "status": "suspended"}, headers=manager)
    assert response.status_code == 200
    assert (response.json["tier"], response.json["territory_codes"], response.json["status"]) == ("silver", ["HK"], "suspended")
    assert client.patch(f"/api/v1/partners/{partner.id}", json={"status": "gone"}, headers=manager).status_code == 422
    assert client.patch("/api/v1/partners/9999", json={"name": "X"}, headers=manager).status_code == 404
    admin_of_partner = token_for(make_user("partner_admin", make_partner("Other")))
    assert client.patch(f"/api/v1/partners/{partner.id}", json={"name": "X"}, headers=admin_of_partner).status_code == 403


def test_create_users_by_role(client, make_partner, make_user, token_for):
    partner, other = make_partner("Mine"), make_partner("Other")
    admin = token_for(make_user("admin"))
    manager = token_for(make_user("channel_manager"))
    partner_admin = token_for(make_user("partner_admin", partner))
    partner_user = token_for(make_user("partner_user", partner))

    def create(headers, **body):
        body = {"email": f"new{create.n}@example.com", "password": "long-enough-pass", **body}
        create.n += 1
        return client.post("/api/v1/users", json=body, headers=headers)
    create.n = 0

    assert create(admin, role="marketing").status_code == 201
    assert create(manager, role="marketing").status_code == 403  # staff roles need admin
    assert create(manager, role="partner_user", partner_id=partner.id).status_code == 201
    assert create(partner_admin, role="partner_user", partner_id=partner.id).status_code == 201
    assert create(partner_admin, role="partner_user", partner_id=other.id).status_code == 404
    assert create(partner_user, role="partner_user", partner_id=partner.id).status_code == 403
    missing_partner = create(manager, role="partner_user")
    assert missing_partner.status_code == 422 and "partner_id" in missing_partner.json["error"]["fields"]
    short = create(manager, role="partner_user", partner_id=partner.id, password="short")
    assert short.status_code == 422 and "password" in short.json["error"]["fields"]
    bad_role = create(admin, role="emperor")
    assert bad_role.status_code == 422 and "role" in bad_role.json["error"]["fields"]
    body = {"email": "dup@example.com", "password": "long-enough-pass", "role": "partner_user", "partner_id": partner.id}
    assert client.post("/api/v1/users", json=body, headers=manager).status_code == 201
    duplicate = client.post("/api/v1/users", json={**body, "email": "DUP@example.com"}, headers=manager)
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "email_taken"


def test_partner_users_and_patch_are_tenant_isolated(client, make_partner, make_user, token_for):
    mine, theirs = make_partner("Mine"), make_partner("Theirs")
    partner_admin = token_for(make_user("partner_admin", mine))
    colleague = make_user("partner_user", mine)
    stranger = make_user("partner_user", theirs)
    listed = client.get(f"/api/v1/partners/{mine.id}/users", headers=partner_admin)
    assert colleague.email in [u["email"] for u in listed.json]
    assert client.get(f"/api/v1/partners/{theirs.id}/users", headers=partner_admin).status_code == 404
    promoted = client.patch(f"/api/v1/users/{colleague.id}", json={"role": "partner_admin"}, headers=partner_admin)
    assert promoted.status_code == 200 and promoted.json["role"] == "partner_admin"
    assert client.patch(f"/api/v1/users/{stranger.id}", json={"active": False}, headers=partner_admin).status_code == 404
    to_staff = client.patch(f"/api/v1/users/{colleague.id}", json={"role": "admin"}, headers=partner_admin)
    assert to_staff.status_code == 422


def test_openapi_document_describes_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/partners", "/api/v1/territories", "/api/v1/price-tiers/{code}", "/api/v1/users",
                 "/api/v1/auth/tokens", "/api/v1/notifications"):
        assert path in spec["paths"], path
    assert "PartnerIn" in spec["components"]["schemas"]
    assert "swagger-ui" in client.get("/docs/api").get_data(as_text=True)
