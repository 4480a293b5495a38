"""A person in a browser: sign in, see the dashboard, switch language, sign out."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def sign_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#sign-in").click()


def test_sign_in_dashboard_language_and_sign_out(page, live_server, make_partner, make_user):
    partner = make_partner("上海云启科技有限公司", credit_limit="88000.00")
    user = make_user("partner_admin", partner)
    console_errors = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    sign_in(page, live_server, user.email)
    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_test_id("partner-name")).to_have_text("上海云启科技有限公司")

    page.locator("#language-menu").click()
    page.locator('button[data-locale="zh_Hans"]').click()
    expect(page.locator("h1")).to_contain_text("欢迎")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.locator("#user-menu").click()
    page.locator("#logout").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".alert")).to_contain_text("您已退出登录")
    page.goto(f"{live_server}/dashboard")
    expect(page).to_have_url(f"{live_server}/login?next=/dashboard")
    assert console_errors == [], console_errors  # CSP blocked nothing, every asset loaded


def test_wrong_password_message(page, live_server, make_user):
    user = make_user("channel_manager")
    sign_in(page, live_server, user.email, "not-the-password")
    expect(page.locator(".alert-danger")).to_have_text("Wrong email or password.")


def test_manager_creates_a_partner(page, live_server, make_user, make_tier, make_territory):
    make_tier("gold")
    make_territory("CN", "China")
    make_territory("SH", "Shanghai", parent="CN")
    sign_in(page, live_server, make_user("channel_manager").email)
    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_role("link", name="New partner").click()
    page.get_by_label("Name").fill("Jiangnan Solutions")
    page.get_by_label("Territories").select_option("SH")
    page.get_by_label("Credit limit").fill("5000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Jiangnan Solutions")
    expect(page.locator(".audit-trail")).to_contain_text("partner.created")
