"""Eight processes order one sku whose stock covers only some of them: exact winners, no oversell."""


from sqlalchemy import select

from catalog.models import Product, StockLevel
from portal.extensions import db
from tests.servers import gunicorn, post_json, race

CLIENTS, ROUNDS, STOCK = 8, 5, 10  # 8 orders of 3 per round against 10 in stock: 3 fit


def _place(base, token, barrier, results):
    for round_ in range(ROUNDS):
        barrier.wait()
        status, _answer = post_json(f"{base}/api/v1/orders", token, {
            "items": [{"sku": f"HOT-{round_}", "quantity": 3}], "payment_method": "net_terms"})
        results.put((round_, status))


def test_concurrent_orders_never_oversell(app, client, make_user, make_partner, make_tier, token_for):
    make_tier("gold", "10.00")
    manager = token_for(make_user("channel_manager"))
    for round_ in range(ROUNDS):
        client.post("/api/v1/products", json={"sku": f"HOT-{round_}", "name": "Hot item", "product_line": "NETWORK",
                                              "list_price": "10.00"}, headers=manager)
        client.put(f"/api/v1/products/HOT-{round_}/stock/SH", json={"on_hand": 6}, headers=manager)
        client.put(f"/api/v1/products/HOT-{round_}/stock/BJ", json={"on_hand": STOCK - 6}, headers=manager)
    tokens = [token_for(make_user("partner_user", make_partner(f"Buyer {i}", tier="gold", credit_limit="100000")))
              ["Authorization"].split()[1] for i in range(CLIENTS)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        outcomes = race(_place, [(base, token) for token in tokens], CLIENTS * ROUNDS)
    for round_ in range(ROUNDS):
        codes = sorted(code for r, code in outcomes if r == round_)
        assert codes == [201] * (STOCK // 3) + [409] * (CLIENTS - STOCK // 3), (round_, codes)
    with app.app_context():
        levels = db.session.scalars(select(StockLevel)).all()
        assert all(0 <= level.reserved <= level.on_hand for level in levels)
        assert sum(level.reserved for level in levels) == ROUNDS * (STOCK // 3) * 3


def _act(base, token, action, order_ids, barrier, results):
    for order_id in order_ids:
        body = {"carrier": "SF", "tracking_number": "T1"} if action == "ship" else {}
        barrier.wait()
        status, _answer = post_json(f"{base}/api/v1/orders/{order_id}/{action}", token, body)
        results.put((order_id, action, status))


def test_cancel_racing_ship_has_one_winner(app, client, make_user, make_partner, make_tier, token_for):
    make_tier("gold", "10.00")
    manager = token_for(make_user("channel_manager"))
    client.post("/api/v1/products", json={"sku": "RACE", "name": "Race", "product_line": "NETWORK",
                                          "list_price": "1.00"}, headers=manager)
    client.put("/api/v1/products/RACE/stock/SH", json={"on_hand": 100}, headers=manager)
    buyer = token_for(make_user("partner_user", make_partner("Racer", tier="gold", credit_limit="100000")))
    order_ids = [client.post("/api/v1/orders", json={"items": [{"sku": "RACE", "quantity": 2}],
                                                     "payment_method": "net_terms"}, headers=buyer).json["id"]
                 for _ in range(10)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2) as base:
        outcomes = race(_act, [(base, buyer["Authorization"].split()[1], "cancel", order_ids),
                               (base, manager["Authorization"].split()[1], "ship", order_ids)],
                        2 * len(order_ids), timeout=120)
    shipped = 0
    for order_id in order_ids:
        codes = sorted(code for oid, _action, code in outcomes if oid == order_id)
        assert codes == [200, 409], (order_id, outcomes)
        winner = next(action for oid, action, code in outcomes if oid == order_id and code == 200)
        status = client.get(f"/api/v1/orders/{order_id}", headers=manager).json["status"]
        assert status == ("shipped" if winner == "ship" else "cancelled")
        shipped += winner == "ship"
    with app.app_context():
        level = db.session.scalar(select(StockLevel))
        assert level.reserved == 0 and level.on_hand == 100 - 2 * shipped


def _order_on_credit(base, sku, tokens, barrier, results):
    for round_, token in enumerate(tokens):
        barrier.wait()
        status, answer = post_json(f"{base}/api/v1/orders", token, {
            "items": [{"sku": sku, "quantity": 1}], "payment_method": "net_terms"})
        results.put((round_, status, answer.get("error", {}).get("code")))


def test_concurrent_net_terms_orders_never_exceed_credit(app, client, make_user, make_partner, make_tier, token_for):
    """Eight people of one partner order 90.00 each at once against 300.00 of credit: three fit.
    Each orders a product of its own, so only the credit check can make them wait."""
    make_tier("gold", "10.00")
    manager = token_for(make_user("channel_manager"))
    skus = [f"CREDIT-{i}" for i in range(CLIENTS)]
    for sku in skus:
        client.post("/api/v1/products", json={"sku": sku, "name": "Credit", "product_line": "NETWORK",
                                              "list_price": "100.00"}, headers=manager)
        client.put(f"/api/v1/products/{sku}/stock/SH", json={"on_hand": 1000}, headers=manager)
    partners = [make_partner(f"Spender {r}", tier="gold", credit_limit="300.00") for r in range(ROUNDS)]
    tokens = [[token_for(make_user("partner_user", partner))["Authorization"].split()[1] for partner in partners]
              for _ in range(CLIENTS)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        outcomes = race(_order_on_credit, [(base, *pair) for pair in zip(skus, tokens, strict=True)],
                        CLIENTS * ROUNDS)
    for round_ in range(ROUNDS):
        codes = sorted((status, code) for r, status, code in outcomes if r == round_)
        assert codes == [(201, None)] * 3 + [(409, "credit_limit_exceeded")] * (CLIENTS - 3), (round_, codes)


def _churn(base, token, action, targets, barrier, results):
    for target in targets:
        barrier.wait()
        if action == "place":
            status, _answer = post_json(f"{base}/api/v1/orders", token, MIXED_ORDER)
        else:
            body = {"carrier": "SF", "tracking_number": "T1"} if action == "ship" else {}
            status, _answer = post_json(f"{base}/api/v1/orders/{target}/{action}", token, body)
        results.put((action, status))


# MIX-B's stock rows come after MIX-A's: releasing in line order would lock them the other way round.
MIXED_ORDER = {"items": [{"sku": "MIX-B", "quantity": 2}, {"sku": "MIX-A", "quantity": 2}],
               "payment_method": "net_terms"}


def test_placing_cancelling_and_shipping_the_same_stock_at_once(app, client, make_user, make_partner, make_tier,
                                                                  token_for):
    """Placement locks stock rows in id order, and releasing or shipping updates them in the
    same order: no request deadlocks or fails, and the stock adds up afterwards."""
    make_tier("gold", "10.00")
    manager = token_for(make_user("channel_manager"))
    for sku in ("MIX-A", "MIX-B"):
        client.post("/api/v1/products", json={"sku": sku, "name": sku, "product_line": "NETWORK",
                                              "list_price": "1.00"}, headers=manager)
        for warehouse in ("SH", "BJ"):
            client.put(f"/api/v1/products/{sku}/stock/{warehouse}", json={"on_hand": 100}, headers=manager)
    buyer = token_for(make_user("partner_user", make_partner("Churn", tier="gold", credit_limit="1000000")))
    earlier = [client.post("/api/v1/orders", json=MIXED_ORDER, headers=buyer).json["id"] for _ in range(2 * ROUNDS)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=3) as base:
        outcomes = race(_churn, [(base, buyer["Authorization"].split()[1], "place", range(ROUNDS)),
                                 (base, buyer["Authorization"].split()[1], "cancel", earlier[:ROUNDS]),
                                 (base, manager["Authorization"].split()[1], "ship", earlier[ROUNDS:])],
                        3 * ROUNDS, timeout=120)
    assert sorted(status for _action, status in outcomes) == [200] * 2 * ROUNDS + [201] * ROUNDS, outcomes
    with app.app_context():
        for sku in ("MIX-A", "MIX-B"):
            levels = db.session.scalars(select(StockLevel).join(Product, Product.id == StockLevel.product_id)
                                        .where(Product.sku == sku)).all()
            assert sum(level.on_hand for level in levels) == 200 - 2 * ROUNDS  # the shipped orders
            assert sum(level.reserved for level in levels) == 2 * ROUNDS  # the orders placed in the race
