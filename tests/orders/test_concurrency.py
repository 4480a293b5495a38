"""Eight processes order one sku whose stock covers only some of them: exact winners, no oversell."""

import json
import multiprocessing
import urllib.request

from sqlalchemy import select

from catalog.models import StockLevel
from portal.extensions import db
from tests.servers import gunicorn

CLIENTS, ROUNDS, STOCK = 8, 5, 10  # 8 orders of 3 per round against 10 in stock: 3 fit


def _place(base, token, barrier, results, index):
    for round_ in range(ROUNDS):
        body = json.dumps({"items": [{"sku": f"HOT-{round_}", "quantity": 3}], "payment_method": "net_terms"})
        request = urllib.request.Request(f"{base}/api/v1/orders", data=body.encode(), method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results.put((round_, response.status))
        except urllib.error.HTTPError as error:
            results.put((round_, error.code))


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
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(CLIENTS), context.Queue()
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        clients = [context.Process(target=_place, args=(base, tokens[i], barrier, results, i)) for i in range(CLIENTS)]
        for process in clients:
            process.start()
        outcomes = [results.get(timeout=300) for _ in range(CLIENTS * ROUNDS)]
        for process in clients:
            process.join(timeout=60)
    for round_ in range(ROUNDS):
        codes = sorted(code for r, code in outcomes if r == round_)
        assert codes == [201] * (STOCK // 3) + [409] * (CLIENTS - STOCK // 3), (round_, codes)
    with app.app_context():
        levels = db.session.scalars(select(StockLevel)).all()
        assert all(0 <= level.reserved <= level.on_hand for level in levels)
        assert sum(level.reserved for level in levels) == ROUNDS * (STOCK // 3) * 3


def _act(base, token, barrier, results, action, order_ids):
    for order_id in order_ids:
        body = json.dumps({"carrier": "SF", "tracking_number": "T1"}).encode() if action == "ship" else b"{}"
        request = urllib.request.Request(f"{base}/api/v1/orders/{order_id}/{action}", data=body, method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results.put((order_id, action, response.status))
        except urllib.error.HTTPError as error:
            results.put((order_id, action, error.code))


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
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2) as base:
        actors = [context.Process(target=_act, args=(base, token.split()[1], barrier, results, action, order_ids))
                  for token, action in ((buyer["Authorization"], "cancel"), (manager["Authorization"], "ship"))]
        for process in actors:
            process.start()
        outcomes = [results.get(timeout=120) for _ in range(2 * len(order_ids))]
        for process in actors:
            process.join(timeout=60)
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
