"""Material files on disk: streamed in, recognised by their bytes, stored under generated names.

An upload is accepted only when its extension and its content agree on one of the allowed
types; the name it came with is kept for display and downloads, never for the path.
"""

import hashlib
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from portal.errors import DomainError, ValidationFailed

CHUNK = 1024 * 1024
HEAD = 512

EXTENSIONS = {".pdf": "pdf", ".pptx": "pptx", ".docx": "docx", ".xlsx": "xlsx", ".png": "png", ".jpg": "jpeg",
              ".jpeg": "jpeg", ".mp4": "mp4", ".zip": "zip"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png", "jpeg": "image/jpeg", "mp4": "video/mp4", "zip": "application/zip",
}
OFFICE_FOLDERS = {"pptx": "ppt/", "docx": "word/", "xlsx": "xl/"}
PREVIEWABLE = ("pdf", "png", "jpeg")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    filename: str
    file_type: str
    content_type: str
    size: int
    sha256: str


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "materials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    return folder() / stored_name


def max_bytes() -> int:
    return current_app.config["MATERIAL_MAX_BYTES"]


def safe_filename(name: str | None, file_type: str | None = None) -> str:
    """The uploaded name without any directory part or control character, for display only."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[:190] + dot + ext[:9] if dot else name[:200]
    return name or f"material.{file_type or 'bin'}"


def _unsupported() -> DomainError:
    return DomainError("unsupported_file_type",
                       _("Upload a PDF, PPTX, DOCX, XLSX, PNG, JPEG, MP4 or ZIP file whose content matches its name."),
                       status=422, fields={"file": _("This type of file is not allowed.")})


def _content_matches(file_type: str, head: bytes, path: Path) -> bool:
    if file_type == "pdf":
        return head.startswith(b"%PDF-")
    if file_type == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if file_type == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if file_type == "mp4":
        return head[4:8] == b"ftyp"
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    if file_type == "zip":
        return True
    prefix = OFFICE_FOLDERS[file_type]
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def store(stream: BinaryIO, uploaded_name: str | None) -> StoredFile:
    """Copy the upload to a generated name chunk by chunk (never whole in memory), then check it.

    Refused uploads leave nothing behind: 422 ``unsupported_file_type`` for a type outside
    the list or content that contradicts the name, 422 for an empty file, 413 when too large.
    """
    file_type = EXTENSIONS.get(os.path.splitext(uploaded_name or "")[1].lower())
    if file_type is None:
        raise _unsupported()
    stored_name = secrets.token_hex(16)
    final = path_of(stored_name)
    partial = final.with_suffix(".part")
    digest, size, head, limit = hashlib.sha256(), 0, b"", max_bytes()
    try:
        with open(partial, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise DomainError("too_large", _("The file is larger than %(mb)s MB.", mb=limit // CHUNK),
                                      status=413)
                if len(head) < HEAD:
                    head += chunk[:HEAD - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed({"file": _("The file is empty.")})
        if not _content_matches(file_type, head, partial):
            raise _unsupported()
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(stored_name, safe_filename(uploaded_name, file_type), file_type, CONTENT_TYPES[file_type],
                      size, digest.hexdigest())


def discard(stored_name: str) -> None:
    """Remove a stored file whose database row was not written."""
    path_of(stored_name).unlink(missing_ok=True)
