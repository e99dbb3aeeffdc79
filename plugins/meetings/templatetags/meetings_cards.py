"""The meetings overview's cards, each kept as HTML."""

from __future__ import annotations

import hashlib

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def series_card(context, series, dates) -> str:
    """A series' card on the overview (title, who it is for, place, next dates), kept as
    HTML with the page's content per series, language and the dates it shows: a member's
    overview drew 24 cards and 72 formatted date links on every visit. The dates are part
    of the key (their day, times and state), so a date moved, cancelled or past shows at
    once; the series' own fields renew with the chrome when the series is published.
    Who may see a series is decided before (the cards shown differ per visitor; a card
    itself is the same for everyone who sees it)."""
    from treffpunkt.core.templatetags.treffpunkt_tags import kept_html

    def render() -> str:
        card = get_template("meetings/includes/series_card.html")
        return card.render({"series": series, "dates": dates}, context.get("request"))

    shown = tuple(
        (d.key, d.start.isoformat(), d.end.isoformat(), d.status, d.is_extra) for d in dates
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:24]
    html = kept_html(context, "meeting-card", "page", render, series.pk, digest)
    return mark_safe(html)  # noqa: S308 - the card's template escaped what it shows


@register.simple_tag(takes_context=True)
def series_dates(context, series, dates) -> str:
    """The "Next dates" list of a series' page, kept as HTML per series, language and the
    dates it shows (their day, times, state and note): twelve formatted date links were
    rendered on every visit. Who may see the series is decided before; the list is the same
    for everyone who sees it."""
    from treffpunkt.core.templatetags.treffpunkt_tags import kept_html

    def render() -> str:
        part = get_template("meetings/includes/series_dates.html")
        return part.render({"upcoming": dates}, context.get("request"))

    shown = tuple(
        (
            d.key,
            d.start.isoformat(),
            d.end.isoformat(),
            d.status,
            d.is_extra,
            getattr(d.row, "note", "") or "",
        )
        for d in dates
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:24]
    html = kept_html(context, "meeting-dates", "page", render, series.pk, digest)
    return mark_safe(html)  # noqa: S308 - the list's template escaped what it shows
