"""A small channel for enablement tests: tiers, a territory tree, partners placed in it."""

import io
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def office(folder: str) -> bytes:
    """A minimal Office Open XML package: a ZIP with [Content_Types].xml and its part folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _empty_uploads(app):
    """Tables are emptied after each test; so are the stored files."""
    yield
    shutil.rmtree(Path(app.config["UPLOAD_DIR"]) / "materials", ignore_errors=True)


@pytest.fixture
def channel(make_tier, make_territory, make_partner, make_user, token_for):
    """gold/silver tiers; CN > CN-EAST > CN-SH and CN > CN-NORTH, plus HK; a partner at each level."""
    make_tier("gold", "15.00")
    make_tier("silver", "5.00")
    make_territory("CN")
    make_territory("CN-EAST", parent="CN")
    make_territory("CN-SH", parent="CN-EAST")
    make_territory("CN-NORTH", parent="CN")
    make_territory("HK")
    partners = {
        "national_gold": make_partner("National Gold", tier="gold", territories=("CN",)),
        "shanghai_silver": make_partner("Shanghai Silver", tier="silver", territories=("CN-SH",)),
        "north_gold": make_partner("North Gold", tier="gold", territories=("CN-NORTH",)),
        "hk_silver": make_partner("HK Silver", tier="silver", territories=("HK",)),
    }
    users = {key: make_user("partner_user", p) for key, p in partners.items()}
    marketing = make_user("marketing")
    return SimpleNamespace(partners=partners, users=users, marketing=marketing,
                           headers={key: token_for(u) for key, u in users.items()},
                           staff=token_for(marketing), manager=token_for(make_user("channel_manager")))


def upload(client, headers, filename="deck.pdf", content=PDF, **fields):
    data = {"title": fields.pop("title", filename), **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/api/v1/materials", data=data, headers=headers, content_type="multipart/form-data")
