"""Lists of dates that newcomers can read on a phone: a weekly "Sprachcafé" folds into one
line ("Sprachcafé — every Tuesday, next 8 Dec") so that one-off events stand out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .localize import format_date


@dataclass(frozen=True)
class AgendaLine:
    """A line of the list (frozen: kept lines are shared by the requests of a process)."""

    entry: object  # the next date (a calendar entry)
    count: int = 1
    weekday: int | None = None  # when the dates come back on the same weekday
    weeks: int = 1  # every week (1) or every other week (2)

    @property
    def entry_cancelled(self) -> bool:
        return bool(getattr(self.entry, "cancelled", False))

    @property
    def recurring(self) -> bool:
        return self.count > 1

    @property
    def rhythm(self) -> str:
        """ "every Tuesday, next 8 Dec" or "4 dates, next 8 Dec" in the reader's language."""
        start = self.entry.start
        next_date = format_date(start, "daymonth")
        if self.weekday is not None:
            values = {"weekday": format_date(start, "weekday"), "date": next_date}
            if self.weeks == 2:
                return _("every other %(weekday)s, next %(date)s") % values
            return _("every %(weekday)s, next %(date)s") % values
        return _("%(count)s dates, next %(date)s") % {"count": self.count, "date": next_date}


def fold_recurring(entries) -> list[AgendaLine]:
    """One line per title and kind, at the place of its next date; dates of the same thing
    that come again are counted into it instead of filling the list.

    A line says "every Tuesday" only when the dates come weekly (a week left out, such as a
    holiday, still counts as weekly) and "every other Tuesday" when they come fortnightly;
    dates on the same weekday in any other rhythm (monthly, say) are counted."""
    # per title and kind: [the next date that takes place (else the first), count, days]
    found: dict[tuple[str, str], list] = {}
    for entry in entries:
        key = (entry.title, getattr(entry, "kind", ""))
        day = timezone.localtime(entry.start).date()
        line = found.get(key)
        if line is None:
            found[key] = [entry, 1, [day]]
            continue
        line[1] += 1
        line[2].append(day)
        if getattr(line[0], "cancelled", False) and not getattr(entry, "cancelled", False):
            line[0] = entry  # the next date is the next one that takes place
    lines = []
    for entry, count, days in found.values():
        weekday, weeks = _rhythm(sorted(set(days))) if count > 1 else (None, 1)
        lines.append(AgendaLine(entry, count, weekday, weeks))
    return sorted(lines, key=lambda line: (line.entry.start, line.entry.title))


def _rhythm(days: list) -> tuple[int | None, int]:
    """(weekday, 1 or 2 weeks) when ``days`` come weekly or fortnightly, else (None, 1)."""
    gaps = [(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)]
    for weeks in (1, 2):
        step = 7 * weeks
        # mostly every (other) week; a date left out (a holiday) makes one gap twice as long
        if set(gaps) <= {step, 2 * step} and gaps.count(step) >= gaps.count(2 * step):
            return days[0].weekday(), weeks
    return None, 1
