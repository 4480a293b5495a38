"""Downloads: the bytes with safe headers, every one recorded, versions kept, reach counted."""

import io
from urllib.parse import quote

from tests.enablement.conftest import PDF, PNG, upload


def test_download_sends_the_bytes_safely_and_is_recorded(client, channel):
    material = upload(client, channel.staff, "渠道 手册 2026.pdf", PDF, tiers="gold").json
    response = client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.headers["national_gold"])
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('渠道 手册 2026.pdf')}" in disposition
    client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.headers["north_gold"])
    client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.headers["national_gold"])

    rows = client.get(f"/api/v1/materials/{material['id']}/downloads", headers=channel.staff).json
    assert [(r["partner_id"], r["user_email"]) for r in rows] == [
        (channel.partners["national_gold"].id, channel.users["national_gold"].email),
        (channel.partners["north_gold"].id, channel.users["north_gold"].email),
        (channel.partners["national_gold"].id, channel.users["national_gold"].email)]
    assert all(r["at"].endswith("+00:00") for r in rows)
    client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.staff)  # staff: recorded, not reach
    reach = client.get(f"/api/v1/materials/{material['id']}/reach", headers=channel.staff).json
    assert (reach["partners_targeted"], reach["partners_downloaded"], reach["downloads"]) == (2, 2, 3)
    assert reach["per_day"][-1]["downloads"] == 3 and len(reach["per_day"]) == 30
    refused = client.get(f"/api/v1/materials/{material['id']}/download", headers=channel.headers["hk_silver"])
    assert refused.status_code == 404
    assert len(client.get(f"/api/v1/materials/{material['id']}/downloads", headers=channel.staff).json) == 4


def test_a_new_version_keeps_the_old_ones(client, channel):
    first = upload(client, channel.staff, "price-list.pdf", PDF, title="Price list").json
    second = client.post(f"/api/v1/materials/{first['id']}/versions", headers=channel.staff,
                         data={"file": (io.BytesIO(PNG), "price-list.png")},
                         content_type="multipart/form-data")
    assert second.status_code == 201 and second.json["version"] == 2 and second.json["file_type"] == "png"
    partner = channel.headers["national_gold"]
    listed = client.get("/api/v1/materials", headers=partner).json["items"]
    assert [(m["id"], m["version"], m["filename"]) for m in listed] == [(first["id"], 2, "price-list.png")]
    assert client.get(f"/api/v1/materials/{first['id']}/download", headers=partner).data == PNG
    assert client.get(f"/api/v1/materials/{first['id']}/download?version=1", headers=partner).data == PDF
    assert client.get(f"/api/v1/materials/{first['id']}/download?version=9", headers=partner).status_code == 404
    bad = client.post(f"/api/v1/materials/{first['id']}/versions", headers=channel.staff,
                      data={"file": (io.BytesIO(b"MZ..."), "x.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 422
    assert client.get(f"/api/v1/materials/{first['id']}", headers=partner).json["version"] == 2


def test_search_tag_and_type_filters(client, channel):
    upload(client, channel.staff, "a.pdf", PDF, title="Wi-Fi 7 launch deck", tags="Deck, WiFi")
    upload(client, channel.staff, "b.png", PNG, title="Switch photo", tags="photo")
    upload(client, channel.staff, "c.pdf", PDF, title="存储解决方案", description="Storage brochure", tags="brochure")
    partner = channel.headers["shanghai_silver"]

    def titles(query):
        return sorted(m["title"] for m in client.get(f"/api/v1/materials?{query}", headers=partner).json["items"])

    assert titles("q=wi-fi") == ["Wi-Fi 7 launch deck"]
    assert titles("q=storage") == ["存储解决方案"]
    assert titles("q=存储") == ["存储解决方案"]
    assert titles("tag=deck") == ["Wi-Fi 7 launch deck"]
    assert titles("tag=dec") == []
    assert titles("type=png") == ["Switch photo"]
    assert client.get("/api/v1/materials?type=exe", headers=partner).status_code == 422
    tags = client.get("/api/v1/materials?tag=wifi", headers=partner).json["items"][0]["tags"]
    assert tags == ["deck", "wifi"]


def test_a_resumed_download_is_not_counted_again(client, channel):
    material = upload(client, channel.staff, "deck.pdf", PDF).json
    partner = channel.headers["national_gold"]
    url = f"/api/v1/materials/{material['id']}/download"
    assert client.get(url, headers=partner).status_code == 200
    resumed = client.get(url, headers={**partner, "Range": "bytes=10-"})
    assert resumed.status_code == 206 and resumed.data == PDF[10:]
    from_start = client.get(url, headers={**partner, "Range": "bytes=0-9"})
    assert from_start.status_code == 206 and from_start.data == PDF[:10]
    assert len(client.get(f"{url}s", headers=channel.staff).json) == 2


def test_absent_materials_and_campaigns_answer_404_and_bad_edits_422(client, channel):
    material = upload(client, channel.staff, "deck.pdf", PDF).json
    staff = channel.staff
    for url in ("/api/v1/materials/999", "/api/v1/materials/999/download", "/api/v1/materials/999/downloads",
                "/api/v1/materials/999/reach", "/api/v1/campaigns/999", "/api/v1/campaigns/999/reach"):
        response = client.get(url, headers=staff)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found", url
    version = client.post("/api/v1/materials/999/versions", headers=staff, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(PDF), "deck.pdf")})
    assert version.status_code == 404
    assert client.patch("/api/v1/campaigns/999", json={"name": "x"}, headers=staff).status_code == 404
    unknown = client.patch(f"/api/v1/materials/{material['id']}", json={"tiers": ["platinum"]}, headers=staff)
    assert unknown.status_code == 422 and "tiers" in unknown.json["error"]["fields"]
    typo = client.patch(f"/api/v1/materials/{material['id']}", json={"titel": "x"}, headers=staff)
    assert typo.status_code == 422
    assert client.get(f"/api/v1/materials/{material['id']}", headers=staff).json["tiers"] == []
