"""A catalog with stock in two warehouses, a gold partner and a channel manager."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def shop(client, make_user, make_partner, make_tier, make_territory, token_for):
    make_tier("gold", "10.00")
    make_territory("CN")
    manager = token_for(make_user("channel_manager"))
    for sku, line, price in (("SW-1", "NETWORK", "1000.00"), ("ST-1", "STORAGE", "500.00")):
        client.post("/api/v1/products", json={"sku": sku, "name": sku, "product_line": line, "list_price": price},
                    headers=manager)
    client.put("/api/v1/products/SW-1/stock/SH", json={"on_hand": 5}, headers=manager)
    client.put("/api/v1/products/SW-1/stock/BJ", json={"on_hand": 3}, headers=manager)
    client.put("/api/v1/products/ST-1/stock/SH", json={"on_hand": 2}, headers=manager)
    partner = make_partner("Gold Co", tier="gold", credit_limit="10000.00")
    user = make_user("partner_user", partner)
    other = make_user("partner_user", make_partner("Other Co", tier="gold"))
    return SimpleNamespace(manager=manager, partner=partner, user=user, headers=token_for(user),
                           other=token_for(other))


def order(client, headers, items, method="net_terms", **extra):
    body = {"items": [{"sku": sku, "quantity": qty} for sku, qty in items], "payment_method": method, **extra}
    return client.post("/api/v1/orders", json=body, headers=headers)


def available(client, headers, sku):
    return client.get(f"/api/v1/products/{sku}", headers=headers).json["available"]
