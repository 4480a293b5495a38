"""Helpers shared by every domain's forms and views."""

from flask import flash, redirect
from flask_wtf import FlaskForm

from portal.errors import DomainError
from portal.extensions import db


def strip_nul(value):
    """A field filter for multipart forms, which ``portal.security`` cannot check up front."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """A form with no fields: a button that POSTs with its CSRF token."""


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a rule's refusal next to the fields it names, or above the form."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def save_form(form: FlaskForm, action, success: str):
    """Run ``action()``: commit and flash ``success`` and return its result, or roll back and
    show the rule's refusal on the form and return None. Absent or forbidden still raise."""
    try:
        result = action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        show_domain_error(form, error)
        return None
    db.session.commit()
    flash(success, "success")
    return result


def act_and_redirect(action, success: str, target: str):
    """Run a decision that has no form of its own; flash what happened (or why not) and go to
    ``target``. Absent or forbidden still raise: the error page, not a flash."""
    try:
        action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        flash(next(iter(error.fields.values()), error.message), "danger")  # a field's reason says most
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(target)
