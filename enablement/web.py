"""What the HTML pages and the API share: room for large uploads, and sending a file safely."""

from functools import wraps

from flask import current_app, request, send_file

from enablement import files
from enablement.models import MaterialFile
from portal.errors import NotFound

FORM_FIELDS_ROOM = 1024 * 1024  # the title, description and targeting sent beside the file


def accepts_upload(view):
    """Raise the request size limit to the material limit, before the body is parsed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        request.max_content_length = current_app.config["MATERIAL_MAX_BYTES"] + FORM_FIELDS_ROOM
        return view(*args, **kwargs)

    return wrapped


def counts_as_download() -> bool:
    """A request for bytes past the start resumes a download already counted."""
    ranges = request.range.ranges if request.range else None
    return not ranges or ranges[0][0] == 0


def send_material(file: MaterialFile, inline: bool = False):
    """The bytes with the type we recognised (never the uploader's), as an attachment named as
    uploaded (RFC 6266 encoding), in a sandbox should a browser render it anyway."""
    path = files.path_of(file.stored_name)
    if not path.is_file():
        raise NotFound()
    response = send_file(path, mimetype=file.content_type, as_attachment=not inline, download_name=file.filename,
                         etag=file.sha256, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'" if inline else "default-src 'none'; sandbox")
    if inline:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
