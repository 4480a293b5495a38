"""Deal registration forms (shape only; the rules live in the service)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class RegistrationForm(FlaskForm):
    company_name = StringField(_l("Customer company name"), validators=[DataRequired(), Length(max=200)])
    territory_code = SelectField(_l("Customer territory"), validators=[DataRequired()], validate_choice=False)
    country = StringField(_l("Country code"), default="CN", validators=[DataRequired(), Length(min=2, max=2)])
    domain = StringField(_l("Website or email domain"), validators=[Optional(), Length(max=255)])
    tax_id = StringField(_l("Tax id (unified social credit code)"), validators=[Optional(), Length(max=64)])
    product_line = StringField(_l("Product line"), validators=[DataRequired(), Length(max=40)])
    estimated_value = DecimalField(_l("Estimated value"), places=2, validators=[InputRequired(), NumberRange(min=0)])
    expected_close_date = DateField(_l("Expected close date"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class CloseForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[SelectChoice("won", _l("Won")), SelectChoice("lost", _l("Lost"))])


class ResolveForm(FlaskForm):
    winner_id = RadioField(_l("Winner"), coerce=int, validate_choice=False, validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class PolicyForm(FlaskForm):
    protection_days = IntegerField(_l("Protection period (days)"), validators=[InputRequired(), NumberRange(1, 3650)])
    extension_days = IntegerField(_l("Extension (days)"), validators=[InputRequired(), NumberRange(1, 3650)])
    max_extensions = IntegerField(_l("Extensions allowed"), validators=[InputRequired(), NumberRange(0, 20)])
    auto_approve = BooleanField(_l("Approve automatically when the rules allow"))
    name_match_threshold = FloatField(_l("Name similarity threshold (0.5 to 1)"),
                                      validators=[InputRequired(), NumberRange(0.5, 1.0)])
    deal_discount_percent = DecimalField(_l("Registered-deal discount %"), places=2,
                                         validators=[InputRequired(), NumberRange(0, 100)])
