"""ERP CSV import and export: dry run, all-or-nothing, line numbers, formula guard."""

import pytest

from tests.catalog.test_api import product

GOOD_AND_BAD = (
    "\ufeffsku,name,name_zh,category,product_line,list_price,currency,active,description,description_zh\n"
    "SW-1,Switch One,交换机一,Networking/Switches,NETWORK,100.00,CNY,true,,\n"
    "SW-2,Switch Two,,Networking/Switches,NETWORK,12.345,CNY,true,,\n"
    "SW-3,,,,bad line,abc,YUAN,maybe,,\n"
    "SW-1,Again,,,NETWORK,1.00,CNY,true,,\n"
)
GOOD = (
    "sku,name,product_line,list_price\n"
    "SW-1,Switch One,NETWORK,100.00\n"
    "SW-9,=HYPERLINK(\"http://evil\"),NETWORK,5.50\n"
)


@pytest.fixture
def manager(make_user, token_for):
    return token_for(make_user("channel_manager"))


def post(client, headers, kind, body, dry_run=True):
    return client.post(f"/api/v1/catalog/imports/{kind}?dry_run={'true' if dry_run else 'false'}",
                       data=body.encode(), content_type="text/csv", headers=headers)


def test_dry_run_lists_every_bad_row_and_changes_nothing(client, manager):
    report = post(client, manager, "products", GOOD_AND_BAD).json
    assert report["creates"] == 1 and report["dry_run"] is True
    lines = {(e["line"], e["field"]) for e in report["errors"]}
    assert {(3, "list_price"), (4, "name"), (4, "product_line"), (4, "list_price"), (4, "currency"), (4, "active"),
            (5, "sku")} <= lines
    assert client.get("/api/v1/products", headers=manager).json["total"] == 0


def test_apply_is_all_or_nothing(client, manager):
    rejected = post(client, manager, "products", GOOD_AND_BAD, dry_run=False)
    assert rejected.status_code == 422 and rejected.json["error"]["code"] == "import_rejected"
    assert rejected.json["error"]["rows"]
    assert client.get("/api/v1/products", headers=manager).json["total"] == 0
    applied = post(client, manager, "products", GOOD, dry_run=False)
    assert applied.status_code == 200 and applied.json["creates"] == 2
    assert client.get("/api/v1/products/SW-1", headers=manager).json["list_price"] == "100.00"
    again = post(client, manager, "products", GOOD.replace("100.00", "90.00")).json
    assert (again["creates"], again["updates"], again["unchanged"]) == (0, 1, 1)
    assert again["changes"] == [{"key": "SW-1", "field": "list_price", "before": "100.00", "after": "90.00"}]


def test_stock_and_prices(client, manager, make_tier, make_partner, make_user, token_for):
    make_tier("gold", "15.00")
    client.post("/api/v1/products", json=product("SW-1"), headers=manager)
    stock = post(client, manager, "stock", "sku,warehouse,on_hand\nSW-1,SH1,40\nSW-1,BJ1,2\nNOPE,SH1,1\n")
    assert [(e["line"], e["field"]) for e in stock.json["errors"]] == [(4, "sku")]
    assert post(client, manager, "stock", "sku,warehouse,on_hand\nSW-1,SH1,40\nSW-1,BJ1,2\n",
                dry_run=False).status_code == 200
    assert client.get("/api/v1/products/SW-1", headers=manager).json["available"] == 42
    prices = post(client, manager, "prices", "sku,tier,discount_percent\nSW-1,gold,25\n", dry_run=False)
    assert prices.json["creates"] == 1
    gold = token_for(make_user("partner_user", make_partner("Gold Co", tier="gold")))
    assert client.get("/api/v1/products/SW-1", headers=gold).json["net_price"] == "7500.00"
    post(client, manager, "prices", "sku,tier,discount_percent\nSW-1,gold,\n", dry_run=False)  # blank: remove
    assert client.get("/api/v1/products/SW-1", headers=gold).json["net_price"] == "8500.00"


def test_export_guards_formulas_and_round_trips(client, manager):
    post(client, manager, "products", GOOD, dry_run=False)
    exported = client.get("/api/v1/catalog/exports/products", headers=manager)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeffsku,name") and "'=HYPERLINK" in text
    report = post(client, manager, "products", text.replace("'=HYPERLINK", "=HYPERLINK")).json
    assert report["errors"] == [] and report["updates"] == 0


def test_bad_files(client, manager, make_user, token_for):
    assert post(client, manager, "products", "sku,name\nX,Y\n").json["error"]["code"] == "bad_file"
    latin1 = client.post("/api/v1/catalog/imports/products", data="sku,name\n\xe9".encode("latin-1"),
                         content_type="text/csv", headers=manager)
    assert latin1.status_code == 422
    assert client.post("/api/v1/catalog/imports/nothing", data=b"x", headers=manager).status_code == 404
    partner = token_for(make_user("partner_user"))
    assert post(client, partner, "products", GOOD).status_code == 403
    assert client.get("/api/v1/catalog/exports/stock", headers=partner).status_code == 403


def test_volume_breaks(client, manager):
    client.post("/api/v1/products", json=product("SW-1"), headers=manager)
    bad = post(client, manager, "volume_breaks", "sku,min_quantity,extra_percent\nSW-1,1,5\nSW-1,10,100\n")
    assert [(e["line"], e["field"]) for e in bad.json["errors"]] == [(2, "min_quantity"), (3, "extra_percent")]
    assert post(client, manager, "volume_breaks", "sku,min_quantity,extra_percent\nSW-1,10,5\n",
                dry_run=False).json["creates"] == 1
    exported = client.get("/api/v1/catalog/exports/volume_breaks", headers=manager).get_data(as_text=True)
    assert "SW-1,10,5.00" in exported
    post(client, manager, "volume_breaks", "sku,min_quantity,extra_percent\nSW-1,10,\n", dry_run=False)
    assert "SW-1,10" not in client.get("/api/v1/catalog/exports/volume_breaks", headers=manager).get_data(as_text=True)


def test_apply_reports_progress_batch_by_batch(app, monkeypatch):
    from catalog import transfer
    from portal.extensions import db

    monkeypatch.setattr(transfer, "BATCH", 2)
    rows = "".join(f"B-{i},Thing {i},NETWORK,1.00\n" for i in range(5))
    seen = []
    with app.app_context():
        result = transfer.apply("products", f"sku,name,product_line,list_price\n{rows}".encode(), None,
                                lambda done, total: seen.append((done, total)))
        db.session.commit()
    assert not result.errors and seen == [(2, 5), (4, 5), (5, 5)]
