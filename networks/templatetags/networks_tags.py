from __future__ import annotations

from django import template

from networks.forms import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """A language code as the language's own name ("ar" -> "العربية")."""
    return _language_name(code)


@register.filter
def action_field_name(field) -> str:
    """The action field's name in the visitor's language (its translation, if there is one)."""
    # Lists set display_name on every field in one query; single pages may look it up.
    name = getattr(field, "display_name", None)
    return name if name is not None else field.localized.name


@register.filter
def report_number(value) -> str:
    """A figure of the committee report as the PDF writes it: 19, not 19.00."""
    from networks.report import number

    return number(value)


@register.filter
def report_chart(chart):
    """A report section's chart as an SVG bar chart ('' when it has none)."""
    from networks.charts import bar_chart

    return bar_chart(chart)
