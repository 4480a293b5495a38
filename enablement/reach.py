"""Reach, for marketing: partners targeted, partners who downloaded, and downloads per day.

Only partners' downloads count: staff checking a file they published reach no one.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from enablement.models import Campaign, Download, Material
from enablement.targeting import reached_partners
from portal.extensions import db
from portal.sql import utc_day

BY_PARTNERS = Download.partner_id.is_not(None)


def _targeted(audience_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(reached_partners(audience_id).subquery()))


def _downloads(material_ids) -> dict:
    """Downloads and distinct downloading partners of some materials (a subquery of ids)."""
    total, partners = db.session.execute(
        select(func.count(Download.id), func.count(func.distinct(Download.partner_id)))
        .where(Download.material_id.in_(material_ids), BY_PARTNERS)).one()
    return {"downloads": total, "partners_downloaded": partners}


def per_day(material_ids, days: int = 30, today: date | None = None) -> list[tuple[date, int]]:
    """Downloads on each of the last ``days`` days, zeros included, for a chart."""
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    day = utc_day(Download.at)
    counts = dict(db.session.execute(
        select(day, func.count()).where(Download.material_id.in_(material_ids), BY_PARTNERS,
                                        Download.at >= datetime.combine(first, time(), UTC))
        .group_by(day)).all())
    return [(first + timedelta(n), counts.get((first + timedelta(n)).isoformat(), 0)) for n in range(days)]


def _reach(audience_id: int, material_ids, today: date | None) -> dict:
    return {"partners_targeted": _targeted(audience_id), **_downloads(material_ids),
            "per_day": per_day(material_ids, today=today)}


def campaign_reach(campaign: Campaign, today: date | None = None) -> dict:
    return _reach(campaign.audience_id, select(Material.id).where(Material.campaign_id == campaign.id), today)


def material_reach(material: Material, today: date | None = None) -> dict:
    return _reach(material.audience_id, select(Material.id).where(Material.id == material.id), today)


def campaign_totals(campaign_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Campaign id → (downloads, partners who downloaded), for a list of campaigns in one query."""
    rows = db.session.execute(
        select(Material.campaign_id, func.count(Download.id), func.count(func.distinct(Download.partner_id)))
        .join(Download, Download.material_id == Material.id)
        .where(Material.campaign_id.in_(campaign_ids), BY_PARTNERS).group_by(Material.campaign_id)).all()
    return {campaign_id: (downloads, partners) for campaign_id, downloads, partners in rows}
