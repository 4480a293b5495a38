"""Search the catalog, open a product, see the partner's own price."""

from playwright.sync_api import expect

from tests.browser.test_portal import sign_in


def test_search_then_product_page_shows_own_price(page, live_server, client, make_partner, make_user, make_tier,
                                                  token_for):
    make_tier("gold", "15.00")
    manager = token_for(make_user("channel_manager"))
    client.post("/api/v1/products", json={"sku": "NW-CS9600", "name": "Core Switch CS9600", "name_zh": "核心交换机",
                                          "product_line": "NETWORK", "list_price": "158000.00"}, headers=manager)
    client.put("/api/v1/products/NW-CS9600/stock/SH-01", json={"on_hand": 8}, headers=manager)
    user = make_user("partner_user", make_partner("Gold Co", tier="gold"))
    sign_in(page, live_server, user.email)
    page.get_by_role("link", name="Catalog").click()
    page.get_by_placeholder("Search SKU, name, description").fill("交换机")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Core Switch CS9600").click()
    expect(page.get_by_test_id("net-price")).to_have_text("CN¥134,300.00")
    expect(page.locator("#stock")).to_contain_text("8")


def test_import_check_then_apply_with_progress(page, live_server, make_user, tmp_path):
    csv_file = tmp_path / "products.csv"
    csv_file.write_text("sku,name,name_zh,product_line,list_price\nIMP-1,Imported One,导入一,NETWORK,10.00\n"
                        "IMP-2,Imported Two,导入二,NETWORK,20.00\n", encoding="utf-8-sig")
    sign_in(page, live_server, make_user("channel_manager").email)
    page.goto(f"{live_server}/catalog/transfer")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(csv_file))
    page.locator("#check-import").click()
    expect(page.locator("#import-report")).to_contain_text("2 new, 0 changed")
    expect(page.locator("#import-changes")).to_contain_text("IMP-2")
    page.locator("#apply-import").click()
    expect(page.locator(".alert-success")).to_contain_text("Imported: 2 new, 0 changed.")
    page.goto(f"{live_server}/catalog?q=imported")
    expect(page.locator("#products")).to_contain_text("IMP-1")
