"""A form's fields as HTML (``includes/form.html``), rendered once per distinct form.

An event page renders its sign-up forms (visitors, helpers, contributions) on every visit,
and a list page its filter form; Django renders each field and each option through a
template of its own, about a third of such a page's render. What that HTML shows is a pure
function of the form's fields: their names, labels, help texts, widgets with their attributes
and choices, and their values. :func:`render_fields` reads all of that into a key and keeps
the HTML under it in this process (no shared cache: a key holds every value the HTML shows,
so a form that shows a member's address has a key of its own and is never another's).

A form with errors, a field whose choices come from a query, or a widget this module does
not know how to describe is rendered every time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TEMPLATE = "includes/form.html"
#: distinct forms kept per process (each a few kB of HTML)
MAX_ENTRIES = 256

_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()

#: widget attributes that shape the HTML beyond ``attrs`` and the template
_WIDGET_PARTS = (
    "input_type",
    "template_name",
    "option_template_name",
    "format",
    "allow_multiple_selected",
    "add_id_index",
    "option_inherits_attrs",
    "checked_attribute",
    "is_localized",
    "is_required",
    "supports_microseconds",
)


class _Unkeyable(Exception):
    """The form holds something this module cannot put into a key: render it every time."""


def _plain(value):
    """``value`` as a hashable, comparable key part of only plain values."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return (type(value).__name__, value)  # 1, True and "1" differ in the HTML
    if isinstance(value, (list, tuple)):
        return tuple(_plain(each) for each in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, (forms.Field, forms.Widget)):
        raise _Unkeyable
    text = str(value)  # lazy translations, dates, decimals: what the template prints
    return (type(value).__name__, text)


def _widget(widget: forms.Widget) -> tuple:
    if isinstance(widget, forms.MultiWidget):
        raise _Unkeyable  # sub-widgets of their own: not described here
    parts = [f"{type(widget).__module__}.{type(widget).__qualname__}", _plain(widget.attrs)]
    for name in _WIDGET_PARTS:
        parts.append(_plain(getattr(widget, name, None)))
    if hasattr(widget, "choices"):
        if not isinstance(widget.choices, (list, tuple)):
            raise _Unkeyable  # a query's choices (ModelChoiceIterator): asked every time
        parts.append(_plain(list(widget.choices)))
    return tuple(parts)


def key_of(form: forms.BaseForm) -> tuple:
    """Everything ``includes/form.html`` shows of ``form``, as a key (raises _Unkeyable)."""
    if form.is_bound and (form._errors is None or form._errors):
        raise _Unkeyable  # not yet checked, or with errors: shown once, never kept
    fields = []
    for bound in form:
        field = bound.field
        fields.append(
            (
                bound.html_name,
                bound.auto_id,
                bound.id_for_label,
                _plain(bound.label),
                _plain(bound.help_text),
                field.required,
                field.disabled,
                field.localize,
                bound.is_hidden,
                _plain(bound.value()),
                _widget(field.widget),
            )
        )
    return (
        get_language(),
        f"{type(form).__module__}.{type(form).__qualname__}",
        form.prefix,
        _plain(form.label_suffix),
        form.use_required_attribute,
        type(form.renderer).__qualname__ if form.renderer else None,
        tuple(fields),
    )


def render_fields(form: forms.BaseForm, context=None) -> SafeString:
    """``includes/form.html`` for ``form``: kept per distinct form (see the module)."""
    try:
        key = key_of(form)
    except _Unkeyable:
        return render_to_string(TEMPLATE, {"form": form})
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return mark_safe(html)  # noqa: S308 - rendered by the template below, autoescaped
    html = str(render_to_string(TEMPLATE, {"form": form}))
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return mark_safe(html)  # noqa: S308 - rendered by the template, autoescaped


def forget_all() -> None:
    """Empty this process's kept forms (tests)."""
    with _lock:
        _kept.clear()
