"""Products, stock and partner prices through the API."""

import pytest


@pytest.fixture
def manager(make_user, token_for):
    return token_for(make_user("channel_manager"))


def product(sku="SW-100", **overrides):
    return {"sku": sku, "name": "Core Switch 100G", "name_zh": "核心交换机", "product_line": "NETWORK",
            "list_price": "10000.00", "currency": "CNY", "description": "48 ports", **overrides}


def test_create_list_and_partner_prices(client, manager, make_partner, make_user, make_tier, token_for):
    make_tier("gold", "15.00")
    make_tier("silver", "10.00")
    gold = token_for(make_user("partner_user", make_partner("Gold Co", tier="gold")))
    silver = token_for(make_user("partner_user", make_partner("Silver Co", tier="silver")))
    created = client.post("/api/v1/products", json=product(), headers=manager)
    assert created.status_code == 201 and created.json["list_price"] == "10000.00"
    client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 120}, headers=manager)
    client.put("/api/v1/products/SW-100/stock/BJ1", json={"on_hand": 30}, headers=manager)
    listed = client.get("/api/v1/products", headers=gold).json
    assert listed["total"] == 1 and listed["page"] == 1 and listed["per_page"] == 50
    item = listed["items"][0]
    assert (item["sku"], item["list_price"], item["net_price"], item["available"]) == ("SW-100", "10000.00", "8500.00", 150)
    assert client.get("/api/v1/products/SW-100", headers=silver).json["net_price"] == "9000.00"
    detail = client.get("/api/v1/products/SW-100", headers=gold).json
    assert sorted((s["warehouse_code"], s["on_hand"], s["reserved"], s["available"]) for s in detail["stock"]) == [
        ("BJ1", 30, 0, 30), ("SH1", 120, 0, 120)]


def test_search_filters_in_both_languages(client, manager, make_user, token_for):
    client.post("/api/v1/products", json=product(), headers=manager)
    client.post("/api/v1/products", json=product("ST-1", name="All-flash Array", name_zh="全闪存阵列",
                                                  product_line="STORAGE"), headers=manager)
    user = token_for(make_user("partner_user"))
    assert [p["sku"] for p in client.get("/api/v1/products?q=交换机", headers=user).json["items"]] == ["SW-100"]
    assert [p["sku"] for p in client.get("/api/v1/products?q=flash", headers=user).json["items"]] == ["ST-1"]
    assert [p["sku"] for p in client.get("/api/v1/products?product_line=STORAGE", headers=user).json["items"]] == ["ST-1"]
    assert client.get("/api/v1/products?in_stock=true", headers=user).json["items"] == []


def test_bad_input_changes_nothing(client, manager):
    assert client.post("/api/v1/products", json=product(), headers=manager).status_code == 201
    duplicate = client.post("/api/v1/products", json=product(), headers=manager)
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "sku_taken"
    for field, bad in (("list_price", "12.345"), ("list_price", "-1"), ("list_price", "abc"),
                       ("product_line", "no spaces"), ("currency", "YUAN")):
        response = client.post("/api/v1/products", json=product("X-1", **{field: bad}), headers=manager)
        assert response.status_code == 422 and field in response.json["error"]["fields"], (field, bad)
    negative = client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": -5}, headers=manager)
    assert negative.status_code == 422
    assert client.put("/api/v1/products/NOPE/stock/SH1", json={"on_hand": 5}, headers=manager).status_code == 404
    assert client.patch("/api/v1/products/NOPE", json={"name": "x"}, headers=manager).status_code == 404
    assert client.get("/api/v1/products", headers=manager).json["total"] == 1


def test_stock_below_reserved_is_refused(app, client, manager):
    from catalog.models import StockLevel
    from portal.extensions import db

    client.post("/api/v1/products", json=product(), headers=manager)
    client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 10}, headers=manager)
    with app.app_context():
        db.session.query(StockLevel).update({"reserved": 6})
        db.session.commit()
    response = client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 5}, headers=manager)
    assert response.status_code == 409 and response.json["error"]["code"] == "below_reserved"
    assert client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 6}, headers=manager).json["available"] == 0


def test_patch_and_inactive_products_hidden_from_partners(client, manager, make_user, token_for):
    client.post("/api/v1/products", json=product(), headers=manager)
    patched = client.patch("/api/v1/products/SW-100", json={"list_price": "9000.50"}, headers=manager)
    assert patched.status_code == 200 and patched.json["list_price"] == "9000.50"
    assert patched.json["currency"] == "CNY" and patched.json["name"] == "Core Switch 100G"
    user = token_for(make_user("partner_user"))
    assert client.get("/api/v1/products/SW-100", headers=user).status_code == 200
    client.patch("/api/v1/products/SW-100", json={"active": False}, headers=manager)
    assert client.get("/api/v1/products/SW-100", headers=user).status_code == 404
    assert client.get("/api/v1/products", headers=user).json["items"] == []
    assert client.get("/api/v1/products/SW-100", headers=manager).json["active"] is False


def test_roles(client, make_user, token_for):
    for role in ("partner_user", "partner_admin", "marketing"):
        headers = token_for(make_user(role))
        assert client.post("/api/v1/products", json=product(), headers=headers).status_code == 403
        assert client.put("/api/v1/products/SW-100/stock/SH1", json={"on_hand": 1}, headers=headers).status_code == 403


def test_list_statements_do_not_grow_with_the_catalog(app, client, manager, make_user, token_for):
    from sqlalchemy import insert

    from catalog.models import Product
    from portal import cache
    from portal.extensions import db
    from tests.test_query_counts import _statements

    user = token_for(make_user("partner_user"))

    def seed(start, count):
        with app.app_context():
            db.session.execute(insert(Product), [
                {"sku": f"P-{i:05d}", "name": f"Product {i}", "product_line": "NETWORK", "list_price": "10.00"}
                for i in range(start, start + count)])
            cache.bump("catalog")  # as an import does
            db.session.commit()

    def cold_and_warm():
        return tuple(_statements(app, client, "/api/v1/products?per_page=50", user) for _ in range(2))

    seed(0, 10)
    small = cold_and_warm()
    seed(10, 990)
    large = cold_and_warm()
    assert small == large
    assert large[0] <= 6 and large[1] <= 4  # token, tier, generation, rows; a miss adds count and ids
    assert client.get("/api/v1/products?per_page=50", headers=user).json["total"] == 1000


def test_categories_from_paths_filter_the_tree(client, manager, make_user, token_for):
    client.post("/api/v1/products", json=product("SW-1", category="Networking/Switches"), headers=manager)
    client.post("/api/v1/products", json=product("AP-1", category="Networking/Wireless"), headers=manager)
    client.post("/api/v1/products", json=product("ST-1", category="Storage", list_price="5.00"), headers=manager)
    user = token_for(make_user("partner_user"))
    networking = client.get("/api/v1/products?category=Networking", headers=user).json["items"]
    assert sorted(p["sku"] for p in networking) == ["AP-1", "SW-1"]
    assert client.get("/api/v1/products/SW-1", headers=user).json["category"] == "Networking/Switches"
    by_price = client.get("/api/v1/products?sort=price", headers=user).json["items"]
    assert by_price[0]["sku"] == "ST-1"
    assert client.get("/api/v1/products?sort=nonsense", headers=user).status_code == 422


def test_search_index_follows_changes_and_imports(app, client, manager, make_user, token_for):
    client.post("/api/v1/products", json=product("SW-1", name="Quantum Router"), headers=manager)
    user = token_for(make_user("partner_user"))

    def found(q):
        return [p["sku"] for p in client.get("/api/v1/products", query_string={"q": q}, headers=user).json["items"]]

    assert found("quantum") == ["SW-1"] and found("QUANTUM ROU") == ["SW-1"] and found("100%") == []
    client.patch("/api/v1/products/SW-1", json={"name": "Photon Router"}, headers=manager)
    assert found("quantum") == [] and found("photon") == ["SW-1"]
    client.post("/api/v1/catalog/imports/products?dry_run=false", content_type="text/csv", headers=manager,
                data="sku,name,product_line,list_price\nSW-2,Neutrino Switch,NETWORK,1\n".encode())
    assert found("neutrino") == ["SW-2"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import select, text

        from catalog.models import Product
        from catalog.service import matching
        from portal.extensions import db

        with app.app_context():
            query = select(Product.id).where(matching("neutrino")).compile(
                db.engine, compile_kwargs={"literal_binds": True})
            plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {query}")).all()
        assert any("products_search" in str(row) for row in plan), plan
