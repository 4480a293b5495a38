"""Order forms (shape only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)


class ShipForm(FlaskForm):
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=60)])
    tracking_number = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=80)])


class CartAddForm(FlaskForm):
    quantity = IntegerField(_l("Quantity"), default=1, validators=[InputRequired(), NumberRange(min=1, max=100000)])


class CheckoutForm(FlaskForm):
    payment_method = SelectField(_l("Payment"), choices=[SelectChoice("net_terms", _l("Net terms (30 days)")),
                                                         SelectChoice("card", _l("Card"))])
    deal_registration_id = SelectField(_l("Registered deal"), coerce=lambda v: int(v) if v else None,
                                       validate_choice=False)
    po_number = StringField(_l("Your PO number"), validators=[Optional(), Length(max=60)])
