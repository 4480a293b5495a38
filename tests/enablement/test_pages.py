"""The enablement pages through the real app: upload, library, material, campaigns, dashboard."""

import io
import re
from datetime import UTC, datetime, timedelta

from tests.conftest import csrf_token
from tests.enablement.conftest import PDF, PNG, upload
from tests.test_query_counts import count_statements

TODAY = datetime.now(UTC).date()


def _publish(client, data: dict, fetch: bool = False):
    token = csrf_token(client, "/library/new")
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    return client.post("/library/new", data={"csrf_token": token, **data}, headers=headers,
                       content_type="multipart/form-data")


def test_marketing_publishes_through_the_form(client, auth, channel):
    auth.login(channel.marketing)
    page = client.get("/library/new").get_data(as_text=True)
    assert 'id="material-form"' in page and "Gold" in page and "CN-EAST" in page
    done = _publish(client, {"file": (io.BytesIO(PDF), "guide.pdf"), "title": "Partner guide", "language": "en",
                             "tags": "guide, onboarding", "tiers": ["gold"], "territory_codes": ["CN-EAST"]})
    assert done.status_code == 302
    material = client.get(done.location).get_data(as_text=True)
    assert "Partner guide" in material and 'id="reach"' in material and "#onboarding" in material
    assert 'id="downloads-chart"' in material and "Gold" in material

    refused = _publish(client, {"file": (io.BytesIO(b"MZ\x90\x00"), "tool.pdf"), "title": "Tool"})
    assert refused.status_code == 200 and "This type of file is not allowed." in refused.get_data(as_text=True)
    by_script = _publish(client, {"file": (io.BytesIO(b"MZ\x90\x00"), "tool.pdf"), "title": "Tool"}, fetch=True)
    assert by_script.status_code == 422 and by_script.json["errors"] == ["This type of file is not allowed."]
    ok_by_script = _publish(client, {"file": (io.BytesIO(PNG), "logo.png"), "title": "Logo\x00"}, fetch=True)
    assert ok_by_script.status_code == 200 and ok_by_script.json["redirect"].startswith("/library/")
    assert client.get("/library").get_data(as_text=True).count('class="card h-100 material-card"') == 2


def test_partner_library_material_and_download(client, auth, channel):
    shown = upload(client, channel.staff, "east.pdf", PDF, title="East China playbook", territory_codes="CN-EAST",
                   title_zh="华东市场手册", tags="playbook").json
    hidden = upload(client, channel.staff, "hk.png", PNG, title="Hong Kong poster", territory_codes="HK").json
    auth.login(channel.users["shanghai_silver"])
    library = client.get("/library").get_data(as_text=True)
    assert "East China playbook" in library and "Hong Kong poster" not in library
    assert "Everyone" not in library  # targeting is for staff eyes
    assert "East China playbook" in client.get("/library?tag=playbook").get_data(as_text=True)
    assert "No materials match." in client.get("/library?q=poster").get_data(as_text=True)
    material = client.get(f"/library/{shown['id']}").get_data(as_text=True)
    assert 'id="reach"' not in material and "Upload a new version" not in material
    preview = client.get(f"/library/{shown['id']}/preview")
    assert preview.status_code == 200 and preview.headers["Content-Disposition"].startswith("inline")
    download = client.get(f"/library/{shown['id']}/download")
    assert download.status_code == 200 and download.data == PDF
    assert client.get(f"/library/{hidden['id']}").status_code == 404
    downloads = client.get(f"/api/v1/materials/{shown['id']}/downloads", headers=channel.staff).json
    assert [d["user_email"] for d in downloads] == [channel.users["shanghai_silver"].email]  # previews do not count
    client.post("/locale", data={"csrf_token": csrf_token(client, "/library"), "locale": "zh_Hans"})
    assert "华东市场手册" in client.get("/library").get_data(as_text=True)


def test_campaign_pages_launch_once_and_partners_see_whats_new(client, auth, channel):
    auth.login(channel.marketing)
    token = csrf_token(client, "/campaigns/new")
    created = client.post("/campaigns/new", data={
        "csrf_token": token, "name": "Storage week", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=7)).isoformat(), "tiers": ["silver"]})
    assert created.status_code == 302
    campaign_id = int(created.location.rstrip("/").rsplit("/", 1)[1])
    backwards = client.post("/campaigns/new", data={"csrf_token": token, "name": "Backwards",
                                                    "starts_on": TODAY.isoformat(),
                                                    "ends_on": (TODAY - timedelta(days=1)).isoformat()})
    assert "cannot end before it starts" in backwards.get_data(as_text=True)
    upload(client, channel.staff, "storage.pdf", PDF, title="Storage brochure", campaign_id=str(campaign_id))
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Storage brochure" in page and 'id="launch"' in page and 'data-testid="partners-targeted">2<' in page
    for _ in range(2):
        client.post(f"/campaigns/{campaign_id}/launch", data={"csrf_token": token})
    assert 'id="launch"' not in client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Storage week" in client.get("/campaigns").get_data(as_text=True)
    auth.logout()

    auth.login(channel.users["hk_silver"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'id="whats-new"' in dashboard and "Storage week" in dashboard and "Storage brochure" in dashboard
    assert 'data-testid="unread-count">1<' in dashboard
    assert "Storage brochure" in client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    auth.logout()
    auth.login(channel.users["national_gold"])
    assert "Storage week" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get(f"/campaigns/{campaign_id}").status_code == 404


def test_library_page_statements_stay_constant(app, client, auth, channel):
    auth.login(channel.users["national_gold"])

    def statements():
        with count_statements(app) as counter:
            assert client.get("/library").status_code == 200
        return counter["n"]

    for index in range(3):
        upload(client, channel.staff, f"s{index}.pdf", PDF, tiers="gold")
    few = statements()
    for index in range(30):
        upload(client, channel.staff, f"m{index}.pdf", PDF, territory_codes="CN-NORTH", tags="deck")
    assert statements() == few <= 6


def test_marketing_edits_a_material_and_a_campaign(client, auth, channel):
    material = upload(client, channel.staff, "deck.pdf", PDF, title="Deck", tags="deck", tiers="gold").json
    auth.login(channel.marketing)
    form = client.get(f"/library/{material['id']}/edit").get_data(as_text=True)
    assert 'value="deck"' in form and re.search(r'<input checked [^>]*value="gold"', form)
    token = csrf_token(client, f"/library/{material['id']}/edit")
    saved = client.post(f"/library/{material['id']}/edit", data={
        "csrf_token": token, "title": "Deck 2027", "language": "en", "tags": "deck, 2027",
        "territory_codes": ["HK"]})
    assert saved.status_code == 302
    hk = client.get("/api/v1/materials", headers=channel.headers["hk_silver"]).json["items"]
    assert [(m["title"], m["tags"]) for m in hk] == [("Deck 2027", ["deck", "2027"])]  # every tier now, only HK
    assert client.get("/api/v1/materials", headers=channel.headers["national_gold"]).json["total"] == 0
    blank = client.post(f"/library/{material['id']}/edit", data={"csrf_token": token, "title": "", "language": "en"})
    assert blank.status_code == 200 and "is-invalid" in blank.get_data(as_text=True)

    campaign = client.post("/api/v1/campaigns", headers=channel.staff, json={
        "name": "Spring", "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()}).json
    patched = client.patch(f"/api/v1/campaigns/{campaign['id']}", headers=channel.staff,
                           json={"name": "Spring push", "tiers": ["silver"]})
    assert patched.status_code == 200 and patched.json["tiers"] == ["silver"] and patched.json["name"] == "Spring push"
    backwards = client.patch(f"/api/v1/campaigns/{campaign['id']}", headers=channel.staff,
                             json={"ends_on": (TODAY - timedelta(days=3)).isoformat()})
    assert backwards.status_code == 422
    page = client.get(f"/campaigns/{campaign['id']}/edit").get_data(as_text=True)
    assert 'value="Spring push"' in page
    moved = client.patch(f"/api/v1/materials/{material['id']}", headers=channel.staff,
                         json={"campaign_id": campaign["id"]})
    assert moved.status_code == 200 and moved.json["campaign_id"] == campaign["id"]
    assert client.patch(f"/api/v1/materials/{material['id']}", headers=channel.staff,
                        json={"campaign_id": 999}).status_code == 422
    assert client.patch(f"/api/v1/materials/{material['id']}", headers=channel.headers["hk_silver"],
                        json={"title": "Mine"}).status_code == 403


def test_campaign_list_compares_campaigns_in_a_chart(client, auth, channel):
    for name in ("Alpha", "Beta"):
        campaign = client.post("/api/v1/campaigns", headers=channel.staff, json={
            "name": name, "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()}).json
        material = upload(client, channel.staff, f"{name}.pdf", PDF, campaign_id=str(campaign["id"])).json
        if name == "Alpha":
            for key in ("national_gold", "hk_silver", "hk_silver"):
                client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.headers[key])
    auth.login(channel.marketing)
    page = client.get("/campaigns").get_data(as_text=True)
    chart = page[page.index('id="campaigns-chart"'):page.index("</figure>")]
    assert "Alpha" in chart and "3 / 2" in chart and "Beta" not in chart  # Beta has no downloads yet
