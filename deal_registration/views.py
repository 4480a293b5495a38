"""Deal registration pages: partners register and follow their deals, channel managers decide."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from deal_registration import protection, queries, service
from deal_registration.forms import CloseForm, NoteForm, PolicyForm, ReasonForm, RegistrationForm, ResolveForm
from deal_registration.models import STATUSES, DealConflict
from partners.service import all_territories
from portal.auth.decorators import login_required, role_required
from portal.auth.roles import PARTNER_ROLES
from portal.errors import DomainError, NotFound
from portal.extensions import db
from portal.forms import act_and_redirect, show_domain_error
from portal.types import utcnow

bp = Blueprint("deals", __name__, template_folder="templates")

PER_PAGE = 25


def _detail(registration_id: int) -> str:
    return url_for("deals.detail", registration_id=registration_id)


# Partners ------------------------------------------------------------------------------

@bp.get("/deals")
@login_required
def index():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    q = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = queries.registrations_for(current_user, status, q, page, PER_PAGE)
    return render_template("deal_registration/index.html", items=items, total=total, status=status, q=q,
                           page=page, pages=max(1, -(-total // PER_PAGE)), statuses=STATUSES, now=utcnow())


@bp.route("/deals/new", methods=["GET", "POST"])
@role_required(*PARTNER_ROLES)
def create():
    form = RegistrationForm()
    form.territory_code.choices = [SelectChoice(t.code, "\u00a0\u00a0" * t.depth + t.name) for t in all_territories()]
    if form.validate_on_submit():
        customer = {"company_name": form.company_name.data, "territory_code": form.territory_code.data,
                    "country": form.country.data, "domain": form.domain.data, "tax_id": form.tax_id.data}
        try:
            registration = service.register(current_user, customer, form.product_line.data.strip(),
                                            form.estimated_value.data, form.expected_close_date.data,
                                            form.description.data)
        except DomainError as error:
            db.session.rollback()
            if error.code == "duplicate_registration":
                flash(error.message, "warning")
                return redirect(_detail(error.extra["existing_id"]))
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your registration is recorded."), "success")
            return redirect(_detail(registration.id))
    return render_template("deal_registration/new.html", form=form)


@bp.get("/deals/duplicates")
@role_required(*PARTNER_ROLES)
def duplicates():
    """The form's warning: the partner's own active registrations of what is being typed."""
    args = request.args
    found = service.own_duplicates(current_user, args.get("company_name", ""), args.get("product_line", ""),
                                   args.get("tax_id", ""), args.get("domain", ""))
    return jsonify([{"id": r.id, "company_name": r.company_name, "status": r.status, "url": _detail(r.id)}
                    for r in found])


@bp.get("/deals/<int:registration_id>")
@login_required
def detail(registration_id: int):
    registration = service.get_registration(current_user, registration_id)
    return render_template("deal_registration/detail.html", registration=registration, now=utcnow(),
                           history=queries.history_of(registration), reason_form=ReasonForm(),
                           note_form=NoteForm(), close_form=CloseForm(), policy=service.policy())


@bp.post("/deals/<int:registration_id>/withdraw")
@role_required(*PARTNER_ROLES)
def withdraw(registration_id: int):
    if not NoteForm().validate_on_submit():
        return redirect(_detail(registration_id))
    return act_and_redirect(lambda: service.withdraw(current_user, registration_id), _("The registration is withdrawn."),
                 _detail(registration_id))


@bp.post("/deals/<int:registration_id>/close")
@role_required(*PARTNER_ROLES)
def close(registration_id: int):
    form = CloseForm()
    if not form.validate_on_submit():
        return redirect(_detail(registration_id))
    return act_and_redirect(lambda: service.close(current_user, registration_id, form.outcome.data),
                 _("The registration is closed."), _detail(registration_id))


def _reasoned(registration_id: int, action, success: str):
    """A partner's request that needs a reason: extension or appeal."""
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "danger")
        return redirect(_detail(registration_id))
    return act_and_redirect(lambda: action(current_user, registration_id, form.reason.data), success, _detail(registration_id))


@bp.post("/deals/<int:registration_id>/extension")
@role_required(*PARTNER_ROLES)
def request_extension(registration_id: int):
    return _reasoned(registration_id, protection.request_extension, _("Your extension request is sent."))


@bp.post("/deals/<int:registration_id>/appeal")
@role_required(*PARTNER_ROLES)
def appeal(registration_id: int):
    return _reasoned(registration_id, protection.appeal, _("Your appeal is sent to the channel managers."))


# Channel managers ----------------------------------------------------------------------

@bp.get("/deals/review")
@role_required("channel_manager")
def review():
    return render_template("deal_registration/review.html", pending=queries.pending_reviews(),
                           conflicts=service.open_conflicts(), extensions=protection.pending_extensions(),
                           appeals=protection.pending_appeals(), expiring=queries.expiring_soon(utcnow()),
                           form=NoteForm(), now=utcnow())


@bp.post("/deals/<int:registration_id>/approve")
@role_required("channel_manager")
def approve(registration_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        return redirect(_detail(registration_id))
    return act_and_redirect(lambda: service.approve(current_user, registration_id, form.note.data),
                 _("The registration is approved."), _detail(registration_id))


@bp.post("/deals/<int:registration_id>/reject")
@role_required("channel_manager")
def reject(registration_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "danger")
        return redirect(_detail(registration_id))
    return act_and_redirect(lambda: service.reject(current_user, registration_id, form.reason.data),
                 _("The registration is rejected."), _detail(registration_id))


@bp.route("/deals/conflicts/<int:conflict_id>", methods=["GET", "POST"])
@role_required("channel_manager")
def conflict(conflict_id: int):
    found = db.session.get(DealConflict, conflict_id)
    if found is None:
        raise NotFound()
    form = ResolveForm()
    form.winner_id.choices = [SelectChoice(r.id, r.partner.name) for r in found.registrations]
    if form.validate_on_submit():
        return act_and_redirect(lambda: service.resolve_conflict(current_user, conflict_id, form.winner_id.data,
                                                      form.reason.data),
                     _("The conflict is resolved."), url_for("deals.review"))
    return render_template("deal_registration/conflict.html", conflict=found, form=form)


@bp.post("/deals/extensions/<int:extension_id>/<any(approve, reject):decision>")
@role_required("channel_manager")
def decide_extension(extension_id: int, decision: str):
    if not NoteForm().validate_on_submit():
        return redirect(url_for("deals.review"))
    action = protection.approve_extension if decision == "approve" else protection.reject_extension
    return act_and_redirect(lambda: action(current_user, extension_id), _("The extension request is decided."),
                 url_for("deals.review"))


@bp.post("/deals/appeals/<int:appeal_id>/<any(overturn, dismiss):decision>")
@role_required("channel_manager")
def decide_appeal(appeal_id: int, decision: str):
    form = NoteForm()
    if not form.validate_on_submit() or not (form.note.data or "").strip():
        flash(_("Give a reason."), "danger")
        return redirect(url_for("deals.review"))
    action = protection.overturn if decision == "overturn" else protection.dismiss
    return act_and_redirect(lambda: action(current_user, appeal_id, form.note.data), _("The appeal is decided."),
                 url_for("deals.review"))


@bp.route("/deals/policy", methods=["GET", "POST"])
@role_required("channel_manager")
def policy():
    current = service.policy()
    form = PolicyForm(obj=current)
    if form.validate_on_submit():
        try:
            service.update_policy(current_user, **{name: field.data for name, field in form._fields.items()
                                                   if name != "csrf_token"})
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The policy is saved."), "success")
            return redirect(url_for("deals.policy"))
    return render_template("deal_registration/policy.html", form=form)


@bp.get("/deals/figures")
@role_required("channel_manager", "marketing")
def figures():
    return render_template("deal_registration/figures.html", figures=queries.partner_figures())
