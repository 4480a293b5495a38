"""Register → conflict → a channel manager resolves it, in a real browser."""

from playwright.sync_api import expect

from tests.browser.test_portal import sign_in


def sign_out(page):
    page.locator("#user-menu").click()
    page.locator("#logout").click()


def register_deal(page, base, company):
    page.goto(f"{base}/deals/new")
    page.get_by_label("Customer company name").fill(company)
    page.get_by_label("Customer territory").select_option("SH")
    page.get_by_label("Product line").fill("STORAGE")
    page.get_by_label("Estimated value").fill("880000")
    page.get_by_label("Expected close date").fill("2027-03-31")
    page.locator("#submit-registration").click()


def test_register_conflict_resolve(page, live_server, client, make_partner, make_user, make_territory, token_for):
    make_territory("CN")
    make_territory("EAST", parent="CN")
    make_territory("SH", parent="EAST")
    first = make_user("partner_user", make_partner("Yangtze Systems", territories=("EAST",)))
    second = make_user("partner_user", make_partner("Huangpu Networks", territories=("EAST",)))
    manager = make_user("channel_manager")
    client.put("/api/v1/deal-policy", json={"auto_approve": False}, headers=token_for(manager))

    sign_in(page, live_server, first.email)
    register_deal(page, live_server, "上海浦东发展银行股份有限公司")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "pending_review")
    first_url = page.url
    sign_out(page)

    sign_in(page, live_server, second.email)
    page.goto(f"{live_server}/deals/new")
    page.get_by_label("Customer company name").fill("上海浦东发展银行有限公司")
    page.get_by_label("Product line").fill("STORAGE")
    page.get_by_label("Product line").blur()
    expect(page.locator("#duplicate-warning")).to_be_hidden()  # someone else's deal is not flagged to us
    register_deal(page, live_server, "上海浦东发展银行有限公司")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "conflict")
    sign_out(page)

    sign_in(page, live_server, manager.email)
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Compare and resolve").click()
    table = page.locator("#side-by-side")
    expect(table).to_contain_text("Yangtze Systems")
    expect(table).to_contain_text("Huangpu Networks")
    expect(table.locator("td.submitted")).to_have_count(2)
    page.get_by_label("Give the deal to Yangtze Systems").check()
    page.get_by_label("Reason").fill("Registered first, with the customer's tax id.")
    page.locator("#resolve").click()
    expect(page.locator(".alert-success")).to_contain_text("The conflict is resolved.")
    page.goto(first_url)
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "approved")
    expect(page.locator("#history")).to_contain_text("conflict_resolved")


def test_own_duplicate_is_flagged_while_typing(page, live_server, make_partner, make_user, make_territory):
    make_territory("CN")
    make_territory("SH", parent="CN")
    user = make_user("partner_user", make_partner("Yangtze Systems", territories=("CN",)))
    sign_in(page, live_server, user.email)
    register_deal(page, live_server, "Hangzhou Lianmei E-commerce Co., Ltd.")
    page.goto(f"{live_server}/deals/new")
    page.get_by_label("Product line").fill("STORAGE")
    page.get_by_label("Customer company name").fill("HANGZHOU LIANMEI E-COMMERCE LIMITED")
    page.get_by_label("Customer company name").blur()
    expect(page.locator("#duplicate-warning")).to_be_visible()
    expect(page.locator("#duplicate-list")).to_contain_text("Hangzhou Lianmei E-commerce Co., Ltd.")
