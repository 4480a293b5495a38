"""Helpers shared by every domain's forms and views."""

from flask_wtf import FlaskForm

from portal.errors import DomainError


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
