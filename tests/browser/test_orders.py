"""Search → cart → checkout on net terms → the order page → the dashboard → order again, in a real browser."""

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

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("open-orders")).to_have_text("1")
    expect(page.get_by_test_id("credit-available")).to_have_text("CN¥91,840.00")
    page.get_by_test_id("open-orders").click()
    page.locator("#orders a").first.click()  # the order just placed
    page.locator("#reorder").click()
    expect(page.get_by_test_id("cart-total")).to_have_text("CN¥8,160.00")


def test_card_payment_declined_then_retried(page, live_server, fake_stripe_js, client, make_partner, make_user,
                                            make_tier, token_for):
    make_tier("gold", "10.00")
    manager = token_for(make_user("channel_manager"))
    client.post("/api/v1/products", json={"sku": "NW-SW24", "name": "24-port Switch", "product_line": "NETWORK",
                                          "list_price": "1000.00"}, headers=manager)
    client.put("/api/v1/products/NW-SW24/stock/SZ-01", json={"on_hand": 5}, headers=manager)
    user = make_user("partner_user", make_partner("Card Co", tier="gold"))
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/catalog/NW-SW24")
    page.locator("#add-to-cart").click()
    page.get_by_label("Payment").select_option("card")
    page.locator("#place-order").click()
    expect(page.locator("[data-order-status]")).to_have_attribute("data-order-status", "awaiting_payment")

    page.get_by_label("Card number").fill("4000002500003155")  # asks for 3-D Secure, which fails
    page.locator("#pay").click()
    expect(page.locator("#payment-message")).to_contain_text("authentication")
    expect(page.locator("#pay")).to_be_enabled()
    page.get_by_label("Card number").fill("4242424242424242")
    page.locator("#pay").click()
    expect(page.locator("[data-order-status]")).to_have_attribute("data-order-status", "paid")
    expect(page.locator("#card-payment")).to_have_count(0)
