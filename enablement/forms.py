"""Enablement forms (shape only; types, targeting and limits are the service's to judge)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import strip_nul

LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("zh_Hans", _l("Chinese")),
                    SelectChoice("other", _l("Other"))]


def _checklist(label):
    return SelectMultipleField(label, validate_choice=False, widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput())


class TargetingMixin:
    """Tiers and territories as checklists; none ticked means everyone."""

    tiers = _checklist(_l("Tiers"))
    territory_codes = _checklist(_l("Territories"))


class FileForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class MaterialDetailsForm(TargetingMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_nul])
    title_zh = StringField(_l("Title (Chinese)"), validators=[Optional(), Length(max=200)], filters=[strip_nul])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)], filters=[strip_nul])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Optional(), Length(max=20000)],
                                   filters=[strip_nul])
    language = SelectField(_l("Language of the material"), choices=LANGUAGE_CHOICES, default="en")
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)], filters=[strip_nul])
    campaign_id = SelectField(_l("Campaign"), coerce=lambda v: int(v) if v else None, validate_choice=False)


class MaterialForm(MaterialDetailsForm, FileForm):
    """The details and the first file."""


class CampaignForm(TargetingMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Optional(), Length(max=20000)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
