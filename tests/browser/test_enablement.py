"""Marketing publishes and launches; a targeted partner is told and downloads; another sees nothing."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.test_portal import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_publish_launch_notify_download(browser, live_server, make_tier, make_territory, make_partner, make_user):
    make_tier("gold", "15.00")
    make_tier("silver", "5.00")
    make_territory("CN")
    marketing = make_user("marketing")
    targeted = make_user("partner_user", make_partner("Gold Co", tier="gold", territories=("CN",)))
    untargeted = make_user("partner_user", make_partner("Silver Co", tier="silver", territories=("CN",)))
    today = datetime.now(UTC).date()

    staff = browser.new_context().new_page()
    sign_in(staff, live_server, marketing.email)
    staff.goto(f"{live_server}/campaigns/new")
    staff.get_by_label("Name", exact=True).fill("Gold partner summit")
    staff.get_by_label("Starts on").fill(today.isoformat())
    staff.get_by_label("Ends on").fill((today + timedelta(days=14)).isoformat())
    staff.get_by_label("Gold").check()
    staff.locator("#save-campaign").click()
    expect(staff.get_by_test_id("campaign-name")).to_have_text("Gold partner summit")

    staff.get_by_role("link", name="Add a material").click()
    staff.get_by_label("File").set_input_files(files=[{"name": "summit-agenda.pdf", "mimeType": "application/pdf",
                                                        "buffer": PDF}])
    staff.get_by_label("Title", exact=True).fill("Summit agenda")
    staff.get_by_label("Gold").check()
    staff.locator("#publish").click()
    expect(staff.get_by_test_id("material-title")).to_have_text("Summit agenda")
    staff.get_by_role("link", name="Gold partner summit").click()
    staff.locator("#launch").click()
    expect(staff.locator("#launched")).to_be_visible()
    expect(staff.get_by_test_id("partners-targeted")).to_have_text("1")

    partner = browser.new_context(accept_downloads=True).new_page()
    sign_in(partner, live_server, targeted.email)
    expect(partner.get_by_test_id("unread-count")).to_have_text("1")
    expect(partner.locator("#whats-new")).to_contain_text("Gold partner summit")
    partner.locator("#bell").click()
    partner.get_by_text("New campaign for you: Gold partner summit").click()
    partner.get_by_role("link", name="Summit agenda").click()
    with partner.expect_download() as download:
        partner.locator("#download").click()
    assert download.value.suggested_filename == "summit-agenda.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF

    other = browser.new_context().new_page()
    sign_in(other, live_server, untargeted.email)
    expect(other.locator("#whats-new")).not_to_contain_text("Gold partner summit")
    expect(other.locator("#unread-count, [data-testid=unread-count]")).to_have_count(0)
    other.goto(f"{live_server}/library")
    expect(other.locator("#materials")).to_contain_text("No materials match.")

    staff.reload()
    expect(staff.get_by_test_id("downloads")).to_have_text("1")
    expect(staff.get_by_test_id("partners-downloaded")).to_have_text("1")
