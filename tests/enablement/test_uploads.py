"""Hostile and broken uploads are refused with a clear error and leave nothing behind."""

import io
import os

import pytest

from tests.enablement.conftest import MP4, PDF, PNG, office, upload

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _stored_files(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_DIR"], "materials")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.mark.parametrize("filename, content, file_type", [
    ("deck.pdf", PDF, "pdf"), ("photo.PNG", PNG, "png"), ("clip.mp4", MP4, "mp4"),
    ("slides.pptx", office("ppt"), "pptx"), ("brief.docx", office("word"), "docx"),
    ("prices.xlsx", office("xl"), "xlsx"), ("kit.zip", office("anything"), "zip"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpeg"),
])
def test_allowed_types_are_recognised_by_content(client, channel, filename, content, file_type):
    response = upload(client, channel.staff, filename, content)
    assert response.status_code == 201, response.json
    assert response.json["file_type"] == file_type and response.json["size"] == len(content)


@pytest.mark.parametrize("filename, content", [
    ("setup.exe", EXE),            # not an allowed type
    ("report.pdf", EXE),           # an executable renamed
    ("page.html", HTML),
    ("page.pdf", HTML),            # HTML dressed as a PDF
    ("logo.svg", SVG),
    ("logo.png", SVG),
    ("notes.docx", office("ppt")),  # a presentation named as a document
    ("archive.docx", b"PK\x03\x04 not really a zip"),
    ("noextension", PDF),
])
def test_disallowed_or_disguised_files_are_422(app, client, channel, filename, content):
    response = upload(client, channel.staff, filename, content)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "unsupported_file_type"
    assert client.get("/api/v1/materials", headers=channel.staff).json["total"] == 0
    assert _stored_files(app) == []


def test_path_traversal_names_never_reach_the_file_system(app, client, channel):
    response = upload(client, channel.staff, "../../../etc/cron.d/evil.pdf", PDF)
    assert response.status_code == 201
    assert response.json["filename"] == "evil.pdf"
    stored = _stored_files(app)
    assert len(stored) == 1 and all(c in "0123456789abcdef" for c in stored[0])
    windows = upload(client, channel.staff, "..\\..\\boot.ini\x00.pdf", PDF, title="Boot")
    assert windows.status_code == 201 and windows.json["filename"] == "boot.ini.pdf"
    nul_title = upload(client, channel.staff, "deck.pdf", PDF, title="Deck\x00")
    assert nul_title.status_code == 422 and "title" in nul_title.json["error"]["fields"]
    assert not os.path.exists(os.path.join(app.config["UPLOAD_DIR"], "..", "etc"))


def test_empty_missing_and_oversize_files(app, client, channel, monkeypatch):
    empty = upload(client, channel.staff, "empty.pdf", b"")
    assert empty.status_code == 422 and "file" in empty.json["error"]["fields"]
    missing = upload(client, channel.staff, "none.pdf", None)
    assert missing.status_code == 422 and "file" in missing.json["error"]["fields"]
    untitled = upload(client, channel.staff, "deck.pdf", PDF, title="")
    assert untitled.status_code == 422 and "title" in untitled.json["error"]["fields"]
    monkeypatch.setitem(app.config, "MATERIAL_MAX_BYTES", 1024)
    big = upload(client, channel.staff, "big.pdf", PDF + b"0" * 2048)  # over the limit, under the request room
    assert big.status_code == 413 and big.json["error"]["code"] == "too_large"
    huge = upload(client, channel.staff, "huge.pdf", PDF + b"0" * (2 * 1024 * 1024))  # over the request limit
    assert huge.status_code == 413
    assert client.get("/api/v1/materials", headers=channel.staff).json["total"] == 0
    assert _stored_files(app) == []


def test_broken_multipart_is_an_error_not_a_500(client, channel):
    boundary = "XyZ"
    truncated = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nDeck\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"deck.pdf\"\r\n"
                 f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 and then the connection drops").encode()
    response = client.post("/api/v1/materials", data=truncated, headers={
        **channel.staff, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code in (400, 422) and "error" in response.json
    no_boundary = client.post("/api/v1/materials", data=b"garbage", headers={
        **channel.staff, "Content-Type": "multipart/form-data"})
    assert no_boundary.status_code in (400, 422) and "error" in no_boundary.json
    assert client.get("/api/v1/materials", headers=channel.staff).json["total"] == 0


def test_only_marketing_uploads(client, channel):
    assert upload(client, channel.headers["national_gold"]).status_code == 403
    assert upload(client, channel.manager).status_code == 403
    assert client.post("/api/v1/materials", data={"title": "x", "file": (io.BytesIO(PDF), "x.pdf")},
                       content_type="multipart/form-data").status_code == 401
