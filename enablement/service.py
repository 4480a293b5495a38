"""Publishing materials and campaigns, and what each partner may see of them.

Services flush and raise DomainError; the request commits. A partner asking for a
material or campaign that does not reach it gets 404, exactly as for one that does not
exist.
"""

from datetime import date, datetime
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import Integer, String, and_, cast, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from enablement import files
from enablement.models import FILE_TYPES, LANGUAGES, Audience, Campaign, Download, Material, MaterialFile
from enablement.targeting import reached_partners, reaches
from partners import service as partners
from partners.models import Partner
from portal.audit import record, snapshot
from portal.auth.models import User
from portal.auth.roles import PARTNER_ROLES
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.notifications.service import notify_selected
from portal.sql import json_object
from portal.types import utcnow

MAX_TAGS = 20


# Audiences -----------------------------------------------------------------------------

def _targeting(tier_codes: list[str], territory_codes: list[str]) -> dict:
    """An audience's tiers and territories from codes; an unknown one is a 422 naming it."""
    tiers = []
    for code in dict.fromkeys(c.strip() for c in tier_codes if c and c.strip()):
        tier = partners.tier_by_code(code)
        if tier is None:
            raise ValidationFailed({"tiers": _("Unknown tier: %(codes)s", codes=code)})
        tiers.append(tier)
    return {"tiers": tiers, "territories": partners.territories_by_codes(list(territory_codes))}


def _retarget(audience: Audience, tier_codes: list[str], territory_codes: list[str]) -> None:
    for attribute, value in _targeting(tier_codes, territory_codes).items():
        setattr(audience, attribute, value)


def _targets(audience: Audience) -> dict:
    return {"tiers": [t.code for t in audience.tiers], "territory_codes": [t.code for t in audience.territories]}


def _reaches_user(audience_id, user):
    return reaches(audience_id, user.partner_id, user.partner.tier_id)


# Materials -----------------------------------------------------------------------------

def normalise_tags(raw: str | list[str] | None) -> str:
    """Tags as stored: lower case, unique, comma-delimited at both ends (``,deck,pricing,``)."""
    parts = raw.split(",") if isinstance(raw, str) else raw or []
    tags = list(dict.fromkeys(t.strip().lower().replace(",", " ")[:40] for t in parts if t and t.strip()))
    if len(tags) > MAX_TAGS:
        raise ValidationFailed({"tags": _("Use at most %(n)s tags.", n=MAX_TAGS)})
    return f",{','.join(tags)}," if tags else ""


def _check_material_fields(title: str, language: str, campaign_id: int | None) -> None:
    problems = {}
    if not (title or "").strip():
        problems["title"] = _("Give the material a title.")
    elif len(title) > 200:
        problems["title"] = _("Use at most 200 characters.")
    if language not in LANGUAGES:
        problems["language"] = _("Choose a language.")
    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        problems["campaign_id"] = _("No such campaign.")
    if problems:
        raise ValidationFailed(problems)


def create_material(actor, stream: BinaryIO, filename: str | None, *, title: str, title_zh: str = "",
                    description: str = "", description_zh: str = "", language: str = "en", tags="",
                    tiers: list[str] = (), territory_codes: list[str] = (), campaign_id: int | None = None,
                    now: datetime | None = None) -> Material:
    """Check the fields, then store the file (the expensive part), then write the rows."""
    _check_material_fields(title, language, campaign_id)
    material = Material(title=title.strip(), title_zh=(title_zh or "").strip(), description=description or "",
                        description_zh=description_zh or "", language=language, tags=normalise_tags(tags),
                        audience=Audience(**_targeting(list(tiers), list(territory_codes))), campaign_id=campaign_id,
                        created_by_id=actor.id, created_at=now or utcnow(), file_type="", current_version=1)
    stored = files.store(stream, filename)
    material.file_type = stored.file_type
    _add_file(material, stored, 1, actor, material.created_at)
    record(actor, "material.created", material, None, {"title": material.title, "filename": stored.filename})
    return material


MATERIAL_FIELDS = ("title", "title_zh", "description", "description_zh", "language", "tags", "campaign_id")


def update_material(actor, material_id: int, **changes) -> Material:
    """Edit the details, tags or audience; the file changes only through a new version."""
    material = get_material(actor, material_id)
    if "tags" in changes:
        changes["tags"] = normalise_tags(changes["tags"])
    _edit(actor, material, MATERIAL_FIELDS, changes, "material.updated",
          lambda new: _check_material_fields(new["title"], new["language"], new["campaign_id"]))
    return material


TRIMMED = {"title", "title_zh", "name", "name_zh"}


def _edit(actor, obj, fields: tuple[str, ...], changes: dict, action: str, check) -> None:
    """Merge ``changes`` over ``obj``'s ``fields`` and audience, ``check`` the result, write and audit it."""
    def state() -> dict:
        return {**snapshot(obj, fields), **_targets(obj.audience)}

    before = state()
    merged = {field: changes.get(field, getattr(obj, field)) for field in fields}
    check(merged)
    for field, value in merged.items():
        setattr(obj, field, value.strip() if field in TRIMMED else value)
    if "tiers" in changes or "territory_codes" in changes:
        _retarget(obj.audience, changes.get("tiers", before["tiers"]),
                  changes.get("territory_codes", before["territory_codes"]))
    db.session.flush()
    record(actor, action, obj, before, state())


def add_version(actor, material_id: int, stream: BinaryIO, filename: str | None,
                now: datetime | None = None) -> MaterialFile:
    """A new file for the material; earlier versions stay listed and downloadable.

    The version number comes from an UPDATE of the material's row, which concurrent
    uploads take one after the other, so two never get the same number.
    """
    material = get_material(actor, material_id)
    stored = files.store(stream, filename)
    db.session.execute(update(Material).where(Material.id == material.id)
                       .values(current_version=Material.current_version + 1, file_type=stored.file_type))
    db.session.refresh(material)
    version = _add_file(material, stored, material.current_version, actor, now or utcnow())
    record(actor, "material.new_version", material, None, {"version": version.version, "filename": stored.filename})
    return version


def _add_file(material: Material, stored: files.StoredFile, version: int, actor, now: datetime) -> MaterialFile:
    row = MaterialFile(material=material, version=version, filename=stored.filename, content_type=stored.content_type,
                       size=stored.size, sha256=stored.sha256, stored_name=stored.stored_name,
                       uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(row)
    try:
        db.session.flush()
    except Exception:
        files.discard(stored.stored_name)
        raise
    return row


def _library_query(user):
    """Materials with their current file, limited to what reaches the user's partner."""
    query = (select(Material, MaterialFile)
             .join(MaterialFile, and_(MaterialFile.material_id == Material.id,
                                      MaterialFile.version == Material.current_version)))
    return query.where(_reaches_user(Material.audience_id, user)) if user.is_partner else query


def materials_for(user, q: str = "", tag: str = "", file_type: str | None = None, campaign_id: int | None = None,
                  page: int = 1, per_page: int = 24) -> tuple[list[tuple[Material, MaterialFile]], int]:
    """One page of the library and its total, in one statement whatever the library's size."""
    query = _library_query(user)
    if q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Material.title.ilike(pattern), Material.title_zh.ilike(pattern),
                                Material.description.ilike(pattern), Material.tags.ilike(pattern)))
    if tag.strip():
        query = query.where(Material.tags.contains(f",{tag.strip().lower()},", autoescape=True))
    if file_type in FILE_TYPES:
        query = query.where(Material.file_type == file_type)
    if campaign_id is not None:
        query = query.where(Material.campaign_id == campaign_id)
    if not user.is_partner:
        query = query.options(selectinload(Material.audience).selectinload(Audience.tiers),
                              selectinload(Material.audience).selectinload(Audience.territories))
    rows = db.session.execute(query.add_columns(func.count().over().label("total"))
                              .order_by(Material.created_at.desc(), Material.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        return [(row[0], row[1]) for row in rows], rows[0].total
    return [], (0 if page == 1 else db.session.scalar(select(func.count()).select_from(query.subquery())))


def get_material(user, material_id: int) -> Material:
    """Staff see every material; a partner only those targeted at it (else 404, as if absent)."""
    query = select(Material).where(Material.id == material_id)
    if user.is_partner:
        query = query.where(_reaches_user(Material.audience_id, user))
    material = db.session.scalar(query)
    if material is None:
        raise NotFound()
    return material


def file_to_download(user, material_id: int, version: int | None = None, counted: bool = True,
                     now: datetime | None = None) -> MaterialFile:
    """The file to send (the current version unless one is named), recorded when ``counted``."""
    material = get_material(user, material_id)
    wanted = version or material.current_version
    file = db.session.scalar(select(MaterialFile).where(MaterialFile.material_id == material.id,
                                                        MaterialFile.version == wanted))
    if file is None:
        raise NotFound()
    if counted:
        db.session.add(Download(material_id=material.id, file_id=file.id, partner_id=user.partner_id,
                                user_id=user.id, at=now or utcnow()))
    return file


def downloads_of(actor, material_id: int, limit: int = 1000) -> list[Download]:
    material = get_material(actor, material_id)
    return db.session.scalars(select(Download).where(Download.material_id == material.id)
                              .order_by(Download.at.desc(), Download.id.desc()).limit(limit)).all()


# Campaigns -----------------------------------------------------------------------------

def _check_campaign_fields(name: str, starts_on: date, ends_on: date) -> None:
    problems = {}
    if not (name or "").strip():
        problems["name"] = _("Give the campaign a name.")
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = _("The campaign cannot end before it starts.")
    if problems:
        raise ValidationFailed(problems)


def create_campaign(actor, *, name: str, starts_on: date, ends_on: date, description: str = "", name_zh: str = "",
                    description_zh: str = "", tiers: list[str] = (), territory_codes: list[str] = ()) -> Campaign:
    _check_campaign_fields(name, starts_on, ends_on)
    campaign = Campaign(name=name.strip(), name_zh=(name_zh or "").strip(), description=description or "",
                        description_zh=description_zh or "", starts_on=starts_on, ends_on=ends_on,
                        audience=Audience(**_targeting(list(tiers), list(territory_codes))), created_by_id=actor.id)
    db.session.add(campaign)
    db.session.flush()
    record(actor, "campaign.created", campaign, None, {"name": campaign.name})
    return campaign


CAMPAIGN_FIELDS = ("name", "name_zh", "description", "description_zh", "starts_on", "ends_on")


def update_campaign(actor, campaign_id: int, **changes) -> Campaign:
    """Edit a campaign; a launched one keeps its launch (no one is told twice)."""
    campaign = get_campaign(actor, campaign_id)
    _edit(actor, campaign, CAMPAIGN_FIELDS, changes, "campaign.updated",
          lambda new: _check_campaign_fields(new["name"], new["starts_on"], new["ends_on"]))
    return campaign


def _active(today: date):
    return and_(Campaign.starts_on <= today, Campaign.ends_on >= today)


def campaigns_for(user, today: date | None = None) -> list[Campaign]:
    """Staff: every campaign, newest first. A partner: the active ones targeted at it."""
    query = select(Campaign).options(selectinload(Campaign.audience).selectinload(Audience.tiers),
                                     selectinload(Campaign.audience).selectinload(Audience.territories))
    if user.is_partner:
        query = query.where(_active(today or utcnow().date()), _reaches_user(Campaign.audience_id, user))
    return db.session.scalars(query.order_by(Campaign.starts_on.desc(), Campaign.id.desc())).all()


def get_campaign(user, campaign_id: int, today: date | None = None) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id)
    if user.is_partner:
        query = query.where(_active(today or utcnow().date()), _reaches_user(Campaign.audience_id, user))
    campaign = db.session.scalar(query)
    if campaign is None:
        raise NotFound()
    return campaign


def launch(actor, campaign_id: int, now: datetime | None = None) -> tuple[Campaign, int]:
    """Tell every user of every partner the campaign reaches, once: (campaign, people notified now).

    Only the request whose conditional UPDATE sets ``launched_at`` notifies, so pressing
    launch twice, or two managers pressing it at once, tells no one twice.
    """
    campaign = get_campaign(actor, campaign_id)
    now = now or utcnow()
    won = db.session.execute(update(Campaign).where(Campaign.id == campaign.id, Campaign.launched_at.is_(None))
                             .values(launched_at=now)).rowcount == 1
    db.session.refresh(campaign)
    if not won:
        return campaign, 0
    count = notify_selected("campaign.launched", _recipients(campaign), now=now)
    record(actor, "campaign.launched", campaign, None, {"notified": count})
    return campaign, count


def _recipients(campaign: Campaign):
    partner_ids = reached_partners(campaign.audience_id).with_only_columns(Partner.id)
    params = json_object(id=cast(literal(campaign.id), Integer), name=cast(literal(campaign.name), String),
                         name_zh=cast(literal(campaign.name_zh), String))
    return select(User.id.label("user_id"), params.label("params"),
                  cast(literal(f"/campaigns/{campaign.id}"), String).label("link")) \
        .where(User.partner_id.in_(partner_ids), User.role.in_(PARTNER_ROLES), User.active.is_(True))
