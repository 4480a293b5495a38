"""Enablement pages: the library, uploads, campaigns, and reach for marketing."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from enablement import files, reach, service
from enablement.forms import CampaignForm, FileForm, MaterialDetailsForm, MaterialForm
from enablement.models import FILE_TYPES
from enablement.web import accepts_upload, counts_as_download, send_material
from partners.service import all_territories, all_tiers
from portal.auth.decorators import login_required, role_required
from portal.auth.roles import has_role
from portal.errors import NotFound
from portal.extensions import db
from portal.forms import ActionForm, act_and_redirect, save_form

bp = Blueprint("enablement", __name__, template_folder="templates")

PER_PAGE = 24


def _targeting_choices(form) -> None:
    form.tiers.choices = [SelectChoice(t.code, t.name) for t in all_tiers()]
    form.territory_codes.choices = [SelectChoice(t.code, "\u00a0\u00a0" * t.depth + t.name)
                                    for t in all_territories()]


def _targeting(form) -> dict:
    return {"tiers": form.tiers.data or [], "territory_codes": form.territory_codes.data or []}


def _done(target: str):
    """Where to go after a successful form: a redirect, or its URL for the upload script."""
    if request.headers.get("X-Requested-With") == "fetch":
        return jsonify(redirect=target)
    return redirect(target)


def _refused(form, template: str, **context):
    """The form again with its errors, or the errors alone for the upload script."""
    if request.headers.get("X-Requested-With") == "fetch":
        errors = [str(e) for field in form for e in field.errors] + [str(e) for e in form.form_errors]
        return jsonify(errors=errors), 422
    return render_template(template, form=form, **context)


# The library ---------------------------------------------------------------------------

@bp.get("/library")
@login_required
def library():
    args = request.args
    file_type = args.get("type") if args.get("type") in FILE_TYPES else None
    page = max(args.get("page", 1, type=int) or 1, 1)
    rows, total = service.materials_for(current_user, args.get("q", ""), args.get("tag", ""), file_type,
                                        page=page, per_page=PER_PAGE)
    return render_template("enablement/library.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), file_types=FILE_TYPES,
                           filters={"q": args.get("q", ""), "tag": args.get("tag", ""), "type": file_type or ""})


def _material_choices(form) -> None:
    _targeting_choices(form)
    form.campaign_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(c.id), c.name) for c in service.campaigns_for(current_user)]


def _details(form) -> dict:
    return {"title": form.title.data, "title_zh": form.title_zh.data, "description": form.description.data,
            "description_zh": form.description_zh.data, "language": form.language.data, "tags": form.tags.data,
            "campaign_id": form.campaign_id.data, **_targeting(form)}


@bp.route("/library/new", methods=["GET", "POST"])
@role_required("marketing")
@accepts_upload
def upload():
    form = MaterialForm(campaign_id=request.args.get("campaign", type=int))
    _material_choices(form)
    if form.validate_on_submit():
        upload_file = form.file.data
        material = save_form(form, lambda: service.create_material(
            current_user, upload_file.stream, upload_file.filename, **_details(form)), _("The material is published."))
        if material is not None:
            return _done(url_for("enablement.material", material_id=material.id))
    return _refused(form, "enablement/upload.html", max_mb=files.max_bytes() // files.CHUNK)


@bp.get("/library/<int:material_id>")
@login_required
def material(material_id: int):
    found = service.get_material(current_user, material_id)
    marketing = has_role(current_user, "marketing")
    return render_template("enablement/material.html", material=found, versions=found.versions,
                           previewable=found.file_type in files.PREVIEWABLE, marketing=marketing,
                           figures=reach.material_reach(found) if marketing else None,
                           downloads=service.downloads_of(current_user, found.id, limit=50) if marketing else None,
                           version_form=FileForm(), max_mb=files.max_bytes() // files.CHUNK)


@bp.route("/library/<int:material_id>/edit", methods=["GET", "POST"])
@role_required("marketing")
def edit_material(material_id: int):
    material = service.get_material(current_user, material_id)
    form = MaterialDetailsForm(obj=material, **_audience_data(material.audience))
    if request.method == "GET":
        form.tags.data = ", ".join(material.tag_list)  # stored delimited at both ends
    _material_choices(form)
    if form.validate_on_submit() and save_form(form, lambda: service.update_material(
            current_user, material_id, **_details(form)), _("The material is saved.")):
        return redirect(url_for("enablement.material", material_id=material_id))
    return render_template("enablement/edit_material.html", form=form, material=material)


def _audience_data(audience) -> dict:
    """A form's starting ticks when it edits something targeted."""
    if request.method == "POST":
        return {}
    return {"tiers": [t.code for t in audience.tiers], "territory_codes": [t.code for t in audience.territories]}


@bp.get("/library/<int:material_id>/download")
@login_required
def download(material_id: int):
    file = service.file_to_download(current_user, material_id, request.args.get("version", type=int),
                                      counts_as_download())
    db.session.commit()
    return send_material(file)


@bp.get("/library/<int:material_id>/preview")
@login_required
def preview(material_id: int):
    """The current PDF or picture shown in the page (not counted as a download)."""
    found = service.get_material(current_user, material_id)
    if found.file_type not in files.PREVIEWABLE:
        raise NotFound()
    return send_material(found.versions[0], inline=True)


@bp.post("/library/<int:material_id>/versions")
@role_required("marketing")
@accepts_upload
def new_version(material_id: int):
    form = FileForm()
    target = url_for("enablement.material", material_id=material_id)
    if not form.validate_on_submit():
        flash(_("Choose a file."), "danger")
        return redirect(target)
    upload_file = form.file.data
    return act_and_redirect(lambda: service.add_version(current_user, material_id, upload_file.stream,
                                                        upload_file.filename),
                            _("The new version is published."), target)


# Campaigns -----------------------------------------------------------------------------

@bp.get("/campaigns")
@login_required
def campaigns():
    found = service.campaigns_for(current_user)
    totals = reach.campaign_totals([c.id for c in found]) if has_role(current_user, "marketing") else None
    return render_template("enablement/campaigns.html", campaigns=found, totals=totals)


def _campaign_fields(form) -> dict:
    return {"name": form.name.data, "name_zh": form.name_zh.data, "description": form.description.data,
            "description_zh": form.description_zh.data, "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data, **_targeting(form)}


@bp.route("/campaigns/new", methods=["GET", "POST"])
@role_required("marketing")
def new_campaign():
    form = CampaignForm()
    _targeting_choices(form)
    if form.validate_on_submit():
        campaign = save_form(form, lambda: service.create_campaign(current_user, **_campaign_fields(form)),
                             _("The campaign is created. Add its materials, then launch it."))
        if campaign is not None:
            return redirect(url_for("enablement.campaign", campaign_id=campaign.id))
    return render_template("enablement/campaign_form.html", form=form, heading=_("New campaign"),
                           submit=_("Create the campaign"))


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@role_required("marketing")
def edit_campaign(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    form = CampaignForm(obj=campaign, **_audience_data(campaign.audience))
    _targeting_choices(form)
    if form.validate_on_submit() and save_form(form, lambda: service.update_campaign(
            current_user, campaign_id, **_campaign_fields(form)), _("The campaign is saved.")):
        return redirect(url_for("enablement.campaign", campaign_id=campaign_id))
    return render_template("enablement/campaign_form.html", form=form, heading=_("Edit the campaign"),
                           submit=_("Save"))


@bp.get("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    found = service.get_campaign(current_user, campaign_id)
    rows, _total = service.materials_for(current_user, campaign_id=found.id, per_page=100)
    marketing = has_role(current_user, "marketing")
    return render_template("enablement/campaign.html", campaign=found, rows=rows, marketing=marketing,
                           figures=reach.campaign_reach(found) if marketing else None, launch_form=ActionForm())


@bp.post("/campaigns/<int:campaign_id>/launch")
@role_required("marketing")
def launch(campaign_id: int):
    target = url_for("enablement.campaign", campaign_id=campaign_id)
    if not ActionForm().validate_on_submit():
        return redirect(target)
    return act_and_redirect(lambda: service.launch(current_user, campaign_id), _("The campaign is launched."), target)
