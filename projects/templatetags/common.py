"""Template helpers shared by every app's templates (`{% load common %}`): form widgets with Bootstrap's classes, sanitised markdown."""
from django import template
from django.forms import BoundField

from projects.common.markdown import render_markdown

register = template.Library()

_SELECTS = {"select", "selectmultiple", "nullbooleanselect"}


@register.filter
def bootstrap(field: BoundField) -> str:
    """Render a form widget with Bootstrap's classes and its error state for assistive technology."""
    css = "form-select" if field.widget_type in _SELECTS else "form-control"
    attrs = {"class": css}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.id_for_label}-error"
    return field.as_widget(attrs=attrs)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """Render user markdown as sanitised HTML."""
    return render_markdown(text)
