"""Whether an audience reaches a partner, written once as SQL.

An audience names tiers and territories; an empty list means every tier (or territory).
A territory reaches the partners whose own territories overlap it: those inside it
(a Shanghai reseller for East China material) and those covering it (a national
distributor). The test is a correlated EXISTS, so the library, the campaign list, reach
counts and the launch's recipients all filter in the database, whatever their size.
"""

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from enablement.models import audience_territories, audience_tiers
from partners.models import Partner, Territory, partner_territories


def _inside(path, ancestor):
    """``path`` is ``ancestor`` or lies below it (compared by prefix, so ``_`` in codes is literal)."""
    return or_(path == ancestor, func.substr(path, 1, func.length(ancestor) + 1) == ancestor + "/")


def reaches(audience_id, partner_id, tier_id):
    """SQL truth of "the audience ``audience_id`` reaches the partner ``partner_id`` of tier ``tier_id``"."""
    tiers = audience_tiers.c
    any_tier = ~exists().where(tiers.audience_id == audience_id)
    in_tier = exists().where(tiers.audience_id == audience_id, tiers.tier_id == tier_id)
    areas = audience_territories.c
    target, own = aliased(Territory), aliased(Territory)
    any_territory = ~exists().where(areas.audience_id == audience_id)
    overlapping = exists(
        select(1).select_from(audience_territories)
        .join(target, target.id == areas.territory_id)
        .join(partner_territories, partner_territories.c.partner_id == partner_id)
        .join(own, own.id == partner_territories.c.territory_id)
        .where(areas.audience_id == audience_id, or_(_inside(own.path, target.path), _inside(target.path, own.path))))
    return and_(or_(any_tier, in_tier), or_(any_territory, overlapping))


def reached_partners(audience_id):
    """The active partners an audience reaches (a SELECT of ``Partner``)."""
    return select(Partner).where(Partner.status == "active", reaches(audience_id, Partner.id, Partner.tier_id))
