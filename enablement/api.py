"""The "Enablement" section of API.md: materials, their downloads, campaigns and their launch."""

import marshmallow as ma
from flask import request, url_for
from flask_login import current_user
from flask_smorest.fields import Upload

from enablement import reach, service
from enablement.models import FILE_TYPES, LANGUAGES
from enablement.web import accepts_upload, counts_as_download, send_material
from portal.api import Blueprint, PageArgs, Schema, json_rows
from portal.auth.decorators import role_required
from portal.extensions import db

blp = Blueprint("enablement_api", __name__, description="Enablement: materials and campaigns")

Text = ma.fields.String


class CommaList(ma.fields.Field):
    """``"gold,silver"`` in a form field (or a JSON list) → ``["gold", "silver"]``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        raise ma.ValidationError("Give a comma-separated list.")


class MaterialIn(Schema):
    title = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    title_zh = Text(load_default="", validate=ma.validate.Length(max=200))
    description = Text(load_default="", validate=ma.validate.Length(max=20000))
    description_zh = Text(load_default="", validate=ma.validate.Length(max=20000))
    language = Text(load_default="en", validate=ma.validate.OneOf(LANGUAGES))
    tags = Text(load_default="", validate=ma.validate.Length(max=500))
    tiers = CommaList(load_default=list)
    territory_codes = CommaList(load_default=list)
    campaign_id = ma.fields.Integer(load_default=None, allow_none=True)

    @ma.pre_load
    def _blank_is_absent(self, data, **kwargs):
        return {key: value for key, value in data.items() if not (key == "campaign_id" and value == "")}


class MaterialPatch(Schema):
    title = Text(validate=ma.validate.Length(min=1, max=200))
    title_zh = Text(validate=ma.validate.Length(max=200))
    description = Text(validate=ma.validate.Length(max=20000))
    description_zh = Text(validate=ma.validate.Length(max=20000))
    language = Text(validate=ma.validate.OneOf(LANGUAGES))
    tags = Text(validate=ma.validate.Length(max=500))
    tiers = CommaList()
    territory_codes = CommaList()
    campaign_id = ma.fields.Integer(allow_none=True)


class FileIn(Schema):
    file = Upload(required=True)


class MaterialQuery(PageArgs):
    q = Text(load_default="")
    tag = Text(load_default="")
    type = Text(load_default=None, validate=ma.validate.OneOf(FILE_TYPES))
    campaign_id = ma.fields.Integer(load_default=None)


class MaterialOut(ma.Schema):
    id = ma.fields.Integer()
    title = Text()
    title_zh = Text()
    description = Text()
    description_zh = Text()
    language = Text()
    tags = ma.fields.List(Text())
    filename = Text()
    content_type = Text()
    file_type = Text()
    size = ma.fields.Integer()
    version = ma.fields.Integer()
    sha256 = Text()
    campaign_id = ma.fields.Integer(allow_none=True)
    created_at = Text()
    download_url = Text()
    tiers = ma.fields.List(Text(), metadata={"description": "staff only"})
    territory_codes = ma.fields.List(Text(), metadata={"description": "staff only"})


class MaterialPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MaterialOut))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class DownloadOut(ma.Schema):
    partner_id = ma.fields.Integer(allow_none=True)
    user_email = Text()
    at = Text()


class CampaignIn(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    name_zh = Text(load_default="", validate=ma.validate.Length(max=200))
    description = Text(load_default="", validate=ma.validate.Length(max=20000))
    description_zh = Text(load_default="", validate=ma.validate.Length(max=20000))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    tiers = CommaList(load_default=list)
    territory_codes = CommaList(load_default=list)


class CampaignPatch(Schema):
    name = Text(validate=ma.validate.Length(min=1, max=200))
    name_zh = Text(validate=ma.validate.Length(max=200))
    description = Text(validate=ma.validate.Length(max=20000))
    description_zh = Text(validate=ma.validate.Length(max=20000))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    tiers = CommaList()
    territory_codes = CommaList()


class CampaignOut(ma.Schema):
    id = ma.fields.Integer()
    name = Text()
    name_zh = Text()
    description = Text()
    description_zh = Text()
    starts_on = Text()
    ends_on = Text()
    launched_at = Text(allow_none=True)
    notified = ma.fields.Integer(metadata={"description": "people told by this launch call (0 when repeated)"})
    tiers = ma.fields.List(Text(), metadata={"description": "staff only"})
    territory_codes = ma.fields.List(Text(), metadata={"description": "staff only"})


class ReachOut(ma.Schema):
    partners_targeted = ma.fields.Integer()
    partners_downloaded = ma.fields.Integer()
    downloads = ma.fields.Integer()
    per_day = ma.fields.List(ma.fields.Dict(), metadata={"description": '[{"day": "YYYY-MM-DD", "downloads": n}]'})


def _targeting(audience) -> dict:
    if current_user.is_partner:
        return {}
    return {"tiers": [t.code for t in audience.tiers], "territory_codes": [t.code for t in audience.territories]}


def material_json(material, file) -> dict:
    return {"id": material.id, "title": material.title, "title_zh": material.title_zh,
            "description": material.description, "description_zh": material.description_zh,
            "language": material.language, "tags": material.tag_list, "filename": file.filename,
            "content_type": file.content_type, "file_type": material.file_type, "size": file.size,
            "version": file.version, "sha256": file.sha256, "campaign_id": material.campaign_id,
            "created_at": material.created_at.isoformat(),
            "download_url": url_for("enablement_api.download", material_id=material.id),
            **_targeting(material.audience)}


def campaign_json(campaign, notified: int | None = None) -> dict:
    body = {"id": campaign.id, "name": campaign.name, "name_zh": campaign.name_zh,
            "description": campaign.description, "description_zh": campaign.description_zh,
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "launched_at": campaign.launched_at.isoformat() if campaign.launched_at else None,
            **_targeting(campaign.audience)}
    return body if notified is None else {**body, "notified": notified}


def reach_json(figures: dict) -> dict:
    return {**figures, "per_day": [{"day": day.isoformat(), "downloads": n} for day, n in figures["per_day"]]}


@blp.post("/materials")
@role_required("marketing")
@accepts_upload
@blp.arguments(MaterialIn(), location="form")
@blp.arguments(FileIn(), location="files")
@blp.response(201, MaterialOut)
def upload(data, upload_files):
    """Upload a material (multipart); the type is checked by extension and content both."""
    file = upload_files["file"]
    material = service.create_material(current_user, file.stream, file.filename, **data)
    db.session.commit()
    return json_rows(material_json(material, material.versions[0]), 201)


@blp.post("/materials/<int:material_id>/versions")
@role_required("marketing")
@accepts_upload
@blp.arguments(FileIn(), location="files")
@blp.response(201, MaterialOut)
def new_version(upload_files, material_id):
    """A new version of the material's file; the earlier ones stay listed."""
    file = upload_files["file"]
    version = service.add_version(current_user, material_id, file.stream, file.filename)
    db.session.commit()
    return json_rows(material_json(version.material, version), 201)


@blp.get("/materials")
@blp.arguments(MaterialQuery(), location="query")
@blp.response(200, MaterialPage)
def list_materials(args):
    """The library: a partner sees only what targets its tier and territories."""
    rows, total = service.materials_for(current_user, args["q"], args["tag"], args["type"], args["campaign_id"],
                                        args["page"], args["per_page"])
    return json_rows({"items": [material_json(m, f) for m, f in rows], "page": args["page"],
                      "per_page": args["per_page"], "total": total})


@blp.get("/materials/<int:material_id>")
@blp.response(200, MaterialOut)
def get_material(material_id):
    material = service.get_material(current_user, material_id)
    return json_rows(material_json(material, material.versions[0]))


@blp.patch("/materials/<int:material_id>")
@role_required("marketing")
@blp.arguments(MaterialPatch())
@blp.response(200, MaterialOut)
def update_material(data, material_id):
    """Edit the details, tags, audience or campaign (the file changes through a new version)."""
    material = service.update_material(current_user, material_id, **data)
    db.session.commit()
    return json_rows(material_json(material, material.versions[0]))


@blp.get("/materials/<int:material_id>/download")
@blp.response(200, description="The file's bytes, as an attachment")
def download(material_id):
    """The current version's bytes (``?version=n`` for an earlier one); the download is recorded."""
    file = service.file_to_download(current_user, material_id, request.args.get("version", type=int),
                                      counts_as_download())
    db.session.commit()
    return send_material(file)


@blp.get("/materials/<int:material_id>/downloads")
@role_required("marketing")
@blp.response(200, DownloadOut(many=True))
def downloads(material_id):
    return json_rows([{"partner_id": d.partner_id, "user_email": d.user.email, "at": d.at.isoformat()}
                      for d in service.downloads_of(current_user, material_id)])


@blp.get("/materials/<int:material_id>/reach")
@role_required("marketing")
@blp.response(200, ReachOut)
def material_reach(material_id):
    return json_rows(reach_json(reach.material_reach(service.get_material(current_user, material_id))))


@blp.post("/campaigns")
@role_required("marketing")
@blp.arguments(CampaignIn())
@blp.response(201, CampaignOut)
def create_campaign(data):
    campaign = service.create_campaign(current_user, **data)
    db.session.commit()
    return json_rows(campaign_json(campaign), 201)


@blp.get("/campaigns")
@blp.response(200, CampaignOut(many=True))
def list_campaigns():
    """Staff: every campaign. A partner: the active campaigns targeted at it."""
    return json_rows([campaign_json(c) for c in service.campaigns_for(current_user)])


@blp.get("/campaigns/<int:campaign_id>")
@blp.response(200, CampaignOut)
def get_campaign(campaign_id):
    return json_rows(campaign_json(service.get_campaign(current_user, campaign_id)))


@blp.patch("/campaigns/<int:campaign_id>")
@role_required("marketing")
@blp.arguments(CampaignPatch())
@blp.response(200, CampaignOut)
def update_campaign(data, campaign_id):
    campaign = service.update_campaign(current_user, campaign_id, **data)
    db.session.commit()
    return json_rows(campaign_json(campaign))


@blp.post("/campaigns/<int:campaign_id>/launch")
@role_required("marketing")
@blp.response(200, CampaignOut)
def launch(campaign_id):
    """Notify every targeted partner user, once however often this is called."""
    campaign, notified = service.launch(current_user, campaign_id)
    db.session.commit()
    return json_rows(campaign_json(campaign, notified))


@blp.get("/campaigns/<int:campaign_id>/reach")
@role_required("marketing")
@blp.response(200, ReachOut)
def campaign_reach(campaign_id):
    return json_rows(reach_json(reach.campaign_reach(service.get_campaign(current_user, campaign_id))))
