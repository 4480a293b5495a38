"""Forms for partners, people, territories and tiers (shape only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.auth.roles import PARTNER_ROLES, ROLE_LABELS, STAFF_ROLES

STATUS_CHOICES = [SelectChoice("active", _l("Active")), SelectChoice("suspended", _l("Suspended"))]


def role_choices(roles) -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in roles]


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    tier = SelectField(_l("Tier"), validators=[DataRequired()])
    territory_codes = SelectMultipleField(_l("Territories"), validate_choice=False)
    credit_limit = DecimalField(_l("Credit limit"), places=2, default=0,
                                validators=[InputRequired(), NumberRange(min=0)])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="active")


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=role_choices(PARTNER_ROLES))

    def for_staff(self) -> "UserForm":
        self.role.choices = role_choices(STAFF_ROLES)
        return self


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"))
    active = BooleanField(_l("Active"))


class TerritoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_code = SelectField(_l("Parent"), validate_choice=False)


class TerritoryEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_code = SelectField(_l("Parent"), validate_choice=False)


class TierForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    discount_percent = DecimalField(_l("Discount %"), places=2,
                                    validators=[InputRequired(), NumberRange(min=0, max=100)])
