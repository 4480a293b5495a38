"""Search → cart → checkout on net terms → the order page, in a real browser."""

from playwright.sync_api import expect

from tests.browser.test_portal import sign_in


def test_search_cart_checkout_net_terms(page, live_server, client, make_partner, make_user, make_tier, token_for):
    make_tier("gold", "15.00")
    manager = token_for(make_user("channel_manager"))
    client.post("/api/v1/products", json={"sku": "NW-AP7", "name": "Wi-Fi 7 Access Point", "name_zh": "无线接入点",
                                          "product_line": "NETWORK", "list_price": "3200.00"}, headers=manager)
    client.put("/api/v1/products/NW-AP7/stock/SZ-01", json={"on_hand": 40}, headers=manager)
    user = make_user("partner_user", make_partner("Gold Co", tier="gold", credit_limit="100000.00"))
    sign_in(page, live_server, user.email)
    page.get_by_role("link", name="Catalog").click()
    page.get_by_placeholder("Search SKU, name, description").fill("access point")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Wi-Fi 7 Access Point").click()
    page.get_by_label("Quantity").fill("3")
    page.locator("#add-to-cart").click()
    expect(page.get_by_test_id("cart-total")).to_have_text("CN¥8,160.00")
    page.get_by_label("Your PO number").fill("PO-2026-17")
    page.locator("#place-order").click()
    expect(page.locator("[data-order-status]")).to_have_attribute("data-order-status", "confirmed")
    expect(page.get_by_test_id("order-total")).to_have_text("CN¥8,160.00")
    expect(page.locator("#timeline")).to_contain_text("net terms")
