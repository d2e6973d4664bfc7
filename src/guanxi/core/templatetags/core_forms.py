"""`{{ field|styled }}`: a bound field rendered with Tabler's class for its widget, unless the
form gave it one — so a form rendered through includes/field.html never shows bare browser
inputs."""

from django import forms, template
from django.forms.widgets import Input
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "form-check-input"),
    (forms.RadioSelect, ""),
    (forms.CheckboxSelectMultiple, ""),
    (forms.Select, "form-select"),  # also SelectMultiple
    (Input, "form-control"),
    (forms.Textarea, "form-control"),
]


@register.filter
def styled(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if widget.attrs.get("class"):
        return field.as_widget()
    css = next((css for kind, css in _CLASSES if isinstance(widget, kind)), "")
    return field.as_widget(attrs={"class": css} if css else None)
