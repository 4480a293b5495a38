"""Eight processes order one sku whose stock covers only some of them: exact winners, no oversell."""


from sqlalchemy import select

from catalog.models import StockLevel
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
