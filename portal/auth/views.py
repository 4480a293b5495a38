"""Sign in and out, change the password, manage one's API tokens, choose a language."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import service
from portal.auth.decorators import login_required
from portal.auth.forms import LoginForm, PasswordForm, TokenForm
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import ActionForm, show_domain_error
from portal.types import utcnow

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(default: str) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


def _fresh_session(locale: str | None = None) -> None:
    """Drop everything a session carried (and with it the CSRF token) but the language."""
    locale = locale or session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except DomainError as error:
            db.session.commit()  # the failed attempt must count even though sign-in failed
            form.form_errors.append(error.message)
            status = 429 if error.status == 429 else 200
        else:
            _fresh_session()
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(url_for("main.dashboard")))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    locale = current_user.locale if current_user.is_authenticated else None
    logout_user()
    _fresh_session(locale)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the nonce changed: re-issue this session, end the others
            flash(_("Your password is changed."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token, _token = service.issue_token(current_user, form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, new_token=new_token,
                           tokens=service.tokens_of(current_user), revoke_form=ActionForm(),
                           token_days=current_app.config["API_TOKEN_DAYS"], now=utcnow())


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if ActionForm().validate_on_submit():
        service.revoke_token(current_user, token_id)
        db.session.commit()
        flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.tokens"))


@bp.post("/locale")
def set_locale():
    locale = request.form.get("locale", "")
    if ActionForm().validate_on_submit() and locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(_safe_next(url_for("main.dashboard")))
