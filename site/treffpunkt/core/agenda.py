"""Lists of dates that newcomers can read on a phone: a weekly "Sprachcafé" folds into one
line ("Sprachcafé — every Tuesday, next 8 Dec") so that one-off events stand out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .localize import format_date


@dataclass
class AgendaLine:
    entry: object  # the next date (a calendar entry)
    count: int = 1
    weekday: int | None = None  # when every date falls on the same weekday

    @property
    def recurring(self) -> bool:
        return self.count > 1

    @property
    def rhythm(self) -> str:
        """ "every Tuesday, next 8 Dec" or "4 dates, next 8 Dec" in the reader's language."""
        start = self.entry.start
        next_date = format_date(start, "daymonth")
        if self.weekday is not None:
            weekday = format_date(start, "weekday")
            return _("every %(weekday)s, next %(date)s") % {"weekday": weekday, "date": next_date}
        return _("%(count)s dates, next %(date)s") % {"count": self.count, "date": next_date}


def fold_recurring(entries) -> list[AgendaLine]:
    """One line per title and kind, at the place of its next date; dates of the same thing
    that come again are counted into it instead of filling the list."""
    lines: dict[tuple[str, str], AgendaLine] = {}
    weekdays: dict[tuple[str, str], set[int]] = {}
    for entry in entries:
        key = (entry.title, getattr(entry, "kind", ""))
        weekday = timezone.localtime(entry.start).weekday()
        if key in lines:
            lines[key].count += 1
            weekdays[key].add(weekday)
        else:
            lines[key] = AgendaLine(entry)
            weekdays[key] = {weekday}
    for key, line in lines.items():
        if line.count > 1 and len(weekdays[key]) == 1:
            line.weekday = next(iter(weekdays[key]))
    return list(lines.values())
