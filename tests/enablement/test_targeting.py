"""Who sees what: tiers × territories × empty targeting, for the library, a material and its bytes."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.enablement.conftest import upload

PARTNERS = ("national_gold", "shanghai_silver", "north_gold", "hk_silver")
# (tiers, territory codes) → the partners reached. A territory reaches partners inside it and
# partners covering it (national_gold holds CN, which contains CN-EAST and CN-SH).
MATRIX = [
    ("", "", {"national_gold", "shanghai_silver", "north_gold", "hk_silver"}),
    ("gold", "", {"national_gold", "north_gold"}),
    ("silver", "", {"shanghai_silver", "hk_silver"}),
    ("gold,silver", "", {"national_gold", "shanghai_silver", "north_gold", "hk_silver"}),
    ("", "CN-EAST", {"national_gold", "shanghai_silver"}),
    ("", "CN-SH", {"national_gold", "shanghai_silver"}),
    ("", "HK", {"hk_silver"}),
    ("", "CN-NORTH,HK", {"national_gold", "north_gold", "hk_silver"}),
    ("gold", "CN-NORTH", {"national_gold", "north_gold"}),
    ("silver", "CN-EAST", {"shanghai_silver"}),
    ("gold", "HK", set()),
]


@pytest.fixture
def published(client, channel):
    """One material per row of the matrix, with the partners it should reach."""
    rows = []
    for index, (tiers, territories, reached) in enumerate(MATRIX):
        response = upload(client, channel.staff, f"m{index}.pdf", tiers=tiers, territory_codes=territories)
        assert response.status_code == 201, response.json
        rows.append((response.json["id"], reached))
    return rows


def test_library_lists_exactly_what_targets_each_partner(client, channel, published):
    for key in PARTNERS:
        listed = client.get("/api/v1/materials?per_page=200", headers=channel.headers[key]).json["items"]
        seen = {m["id"] for m in listed}
        assert seen == {material_id for material_id, reached in published if key in reached}, key
    staff = client.get("/api/v1/materials?per_page=200", headers=channel.manager).json
    assert staff["total"] == len(MATRIX)


def test_untargeted_material_is_404_for_detail_download_and_page(client, auth, channel, published):
    for key in PARTNERS:
        headers = channel.headers[key]
        for material_id, reached in published:
            expected = 200 if key in reached else 404
            assert client.get(f"/api/v1/materials/{material_id}", headers=headers).status_code == expected
            assert client.get(f"/api/v1/materials/{material_id}/download", headers=headers).status_code == expected
    auth.login(channel.users["hk_silver"])
    hidden = next(material_id for material_id, reached in published if "hk_silver" not in reached)
    for url in (f"/library/{hidden}", f"/library/{hidden}/download", f"/library/{hidden}/preview"):
        assert client.get(url).status_code == 404, url
    for staff_only in (f"/api/v1/materials/{hidden}/downloads", f"/api/v1/materials/{hidden}/reach"):
        assert client.get(staff_only, headers=channel.headers["hk_silver"]).status_code == 403


def test_suspended_partner_reaches_nothing_and_unknown_targets_are_422(client, channel):
    unknown = upload(client, channel.staff, tiers="platinum")
    assert unknown.status_code == 422 and "tiers" in unknown.json["error"]["fields"]
    unknown = upload(client, channel.staff, territory_codes="MARS")
    assert unknown.status_code == 422 and "territory_codes" in unknown.json["error"]["fields"]
    assert client.get("/api/v1/materials", headers=channel.staff).json["total"] == 0  # nothing half-written


def test_campaigns_follow_the_same_targeting_and_their_dates(client, channel):
    today = datetime.now(UTC).date()
    ids = {}
    for name, tiers, territories, starts, ends in (
            ("Everyone now", "", "", today - timedelta(days=1), today + timedelta(days=30)),
            ("East gold now", "gold", "CN-EAST", today, today),
            ("Finished", "", "", today - timedelta(days=30), today - timedelta(days=1)),
            ("Not yet", "", "", today + timedelta(days=1), today + timedelta(days=30))):
        response = client.post("/api/v1/campaigns", headers=channel.staff, json={
            "name": name, "tiers": tiers, "territory_codes": territories,
            "starts_on": starts.isoformat(), "ends_on": ends.isoformat()})
        assert response.status_code == 201, response.json
        ids[name] = response.json["id"]

    def names(key):
        return {c["name"] for c in client.get("/api/v1/campaigns", headers=channel.headers[key]).json}

    assert names("national_gold") == {"Everyone now", "East gold now"}
    assert names("shanghai_silver") == {"Everyone now"}  # silver: not in the gold campaign's tiers
    assert names("north_gold") == {"Everyone now"}  # gold, but outside East China
    for name, key in (("East gold now", "north_gold"), ("Finished", "national_gold")):
        assert client.get(f"/api/v1/campaigns/{ids[name]}", headers=channel.headers[key]).status_code == 404
    assert len(client.get("/api/v1/campaigns", headers=channel.staff).json) == 4
    reach = f"/api/v1/campaigns/{ids['Everyone now']}/reach"
    assert client.get(reach, headers=channel.headers["national_gold"]).status_code == 403
    assert client.get(reach, headers=channel.staff).json["partners_targeted"] == 4
