"""Staff pages for partners, territories and tiers; the partner admin's team page."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from partners import accounts, service
from partners.forms import PartnerForm, TerritoryEditForm, TerritoryForm, TierForm, UserEditForm, UserForm, role_choices
from portal.audit import entries_for
from portal.auth.decorators import role_required
from portal.auth.roles import PARTNER_ROLES, STAFF_ROLES
from portal.forms import save_form

bp = Blueprint("partners", __name__, template_folder="templates")

PER_PAGE = 25


def _tier_choices():
    return [SelectChoice(t.code, f"{t.name} ({t.discount_percent}%)") for t in service.all_tiers()]


def _territory_choices(blank: str | None = None, outside=None):
    """Indented tree choices; ``outside`` leaves out a territory's own subtree (a move target)."""
    choices = [SelectChoice(t.code, "\u00a0\u00a0" * t.depth + f"{t.name} ({t.code})") for t in service.all_territories()
               if outside is None or not outside.contains(t)]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def _partner_form(partner=None) -> PartnerForm:
    form = PartnerForm(obj=partner) if partner else PartnerForm()
    form.tier.choices = _tier_choices()
    form.territory_codes.choices = _territory_choices()
    if partner and request.method == "GET":
        form.tier.data = partner.tier.code
        form.territory_codes.data = [t.code for t in partner.territories]
    return form


# Partners ------------------------------------------------------------------------------

@bp.get("/partners")
@role_required(*STAFF_ROLES)
def index():
    q, status = request.args.get("q", ""), request.args.get("status") or None
    page = request.args.get("page", 1, type=int) or 1
    partners, total = service.partner_summaries(q=q, status=status, page=max(page, 1), per_page=PER_PAGE)
    return render_template("partners/index.html", partners=partners, total=total, q=q, status=status,
                           page=page, pages=max(1, -(-total // PER_PAGE)))


@bp.route("/partners/new", methods=["GET", "POST"])
@role_required("channel_manager")
def create():
    form = _partner_form()
    if form.validate_on_submit():
        partner = save_form(form, lambda: service.create_partner(
            current_user, form.name.data, form.tier.data, form.territory_codes.data, form.credit_limit.data),
            _("The partner is created."))
        if partner:
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return render_template("partners/form.html", form=form, partner=None)


@bp.get("/partners/<int:partner_id>")
@role_required(*STAFF_ROLES)
def detail(partner_id: int):
    partner = service.get_partner(current_user, partner_id)
    return render_template("partners/detail.html", partner=partner, users=accounts.users_of_partner(partner.id),
                           audit=entries_for(partner))


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@role_required("channel_manager")
def edit(partner_id: int):
    partner = service.get_partner(current_user, partner_id)
    form = _partner_form(partner)
    if form.validate_on_submit():
        changes = {"name": form.name.data, "tier": form.tier.data, "territory_codes": form.territory_codes.data,
                   "credit_limit": form.credit_limit.data, "status": form.status.data}
        if save_form(form, lambda: service.update_partner(current_user, partner, **changes), _("The partner is saved.")):
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return render_template("partners/form.html", form=form, partner=partner)


# People --------------------------------------------------------------------------------

@bp.route("/partners/<int:partner_id>/users/new", methods=["GET", "POST"])
@role_required("channel_manager", "partner_admin")
def create_user(partner_id: int):
    partner = service.get_partner(current_user, partner_id)
    form = UserForm()
    if form.validate_on_submit():
        user = save_form(form, lambda: accounts.create_user(
            current_user, form.email.data, form.password.data, form.role.data, partner.id, form.name.data),
            _("The account is created."))
        if user:
            return redirect(_people_page(partner.id))
    return render_template("partners/user_form.html", form=form, partner=partner, user=None)


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required("admin")
def create_staff():
    form = UserForm().for_staff()
    if form.validate_on_submit():
        user = save_form(form, lambda: accounts.create_user(
            current_user, form.email.data, form.password.data, form.role.data, None, form.name.data),
            _("The account is created."))
        if user:
            return redirect(url_for("partners.staff"))
    return render_template("partners/user_form.html", form=form, partner=None, user=None)


@bp.get("/staff")
@role_required("admin")
def staff():
    return render_template("partners/staff.html", users=accounts.staff_users())


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("channel_manager", "partner_admin")
def edit_user(user_id: int):
    user = accounts.get_user(current_user, user_id)
    form = UserEditForm(obj=user)
    form.role.choices = role_choices(PARTNER_ROLES if user.is_partner else STAFF_ROLES)
    if form.validate_on_submit():
        saved = save_form(form, lambda: accounts.update_user(
            current_user, user, role=form.role.data, active=form.active.data, name=form.name.data),
            _("The account is saved."))
        if saved:
            return redirect(_people_page(user.partner_id))
    return render_template("partners/user_form.html", form=form, partner=user.partner, user=user,
                           audit=entries_for(user))


def _people_page(partner_id: int | None) -> str:
    if partner_id is None:
        return url_for("partners.staff")
    if current_user.is_partner:
        return url_for("partners.team")
    return url_for("partners.detail", partner_id=partner_id)


@bp.get("/team")
@role_required("partner_admin")
def team():
    if current_user.partner_id is None:
        abort(404)
    return render_template("partners/team.html", partner=current_user.partner,
                           users=accounts.users_of_partner(current_user.partner_id))


# Territories and tiers -----------------------------------------------------------------

@bp.route("/territories", methods=["GET", "POST"])
@role_required("channel_manager")
def territories():
    form = TerritoryForm()
    form.parent_code.choices = _territory_choices(blank=_("(top level)"))
    if form.validate_on_submit():
        if save_form(form, lambda: service.create_territory(
                current_user, form.code.data, form.name.data, form.parent_code.data or None),
                _("The territory is created.")):
            return redirect(url_for("partners.territories"))
    return render_template("partners/territories.html", form=form, territories=service.all_territories())


@bp.route("/territories/<code>/edit", methods=["GET", "POST"])
@role_required("channel_manager")
def edit_territory(code: str):
    territory = service.territory_by_code(code)
    if territory is None:
        abort(404)
    form = TerritoryEditForm(obj=territory)
    form.parent_code.choices = _territory_choices(blank=_("(top level)"), outside=territory)
    if request.method == "GET":
        form.parent_code.data = territory.parent.code if territory.parent else ""
    if form.validate_on_submit():
        if save_form(form, lambda: service.update_territory(
                current_user, territory, form.name.data, form.parent_code.data or None),
                _("The territory is saved.")):
            return redirect(url_for("partners.territories"))
    return render_template("partners/territory_form.html", form=form, territory=territory,
                           audit=entries_for(territory))


@bp.route("/tiers", methods=["GET", "POST"])
@role_required("channel_manager")
def tiers():
    form = TierForm()
    if form.validate_on_submit():
        if save_form(form, lambda: service.put_tier(current_user, form.code.data, form.discount_percent.data,
                                                 form.name.data), _("The tier is saved.")):
            return redirect(url_for("partners.tiers"))
    return render_template("partners/tiers.html", form=form, tiers=service.all_tiers())
