"""Catalog forms (shape only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class ProductForm(FlaskForm):
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=200)])
    category = StringField(_l("Category path"), validators=[Optional(), Length(max=400)])
    product_line = StringField(_l("Product line"), validators=[DataRequired(), Length(max=40)])
    list_price = DecimalField(_l("List price"), places=2, validators=[InputRequired(), NumberRange(min=0)])
    currency = StringField(_l("Currency"), default="CNY", validators=[DataRequired(), Length(min=3, max=3)])
    description = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=20000)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Optional(), Length(max=20000)])
    active = BooleanField(_l("Active (visible to partners)"), default=True)


class ImageForm(FlaskForm):
    image = FileField(_l("Picture (PNG, JPEG or WebP, up to 2 MB)"), validators=[FileRequired()])


class StockForm(FlaskForm):
    warehouse_code = StringField(_l("Warehouse"), validators=[DataRequired(), Length(max=32)])
    on_hand = IntegerField(_l("On hand"), validators=[InputRequired(), NumberRange(min=0)])


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[
        SelectChoice("products", _l("Products")), SelectChoice("prices", _l("Tier prices")),
        SelectChoice("stock", _l("Stock levels")), SelectChoice("volume_breaks", _l("Volume breaks"))])
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired()])
