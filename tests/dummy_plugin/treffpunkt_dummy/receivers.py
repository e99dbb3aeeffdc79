from django.dispatch import receiver

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.calendar import CalendarEntry
from treffpunkt.calendar.signals import calendar_entries
from treffpunkt.reports import ReportRow, ReportSection


def greeting_panel(sender, request, **kwargs):
    """Declared in DummyPluginConfig.dashboard_panels."""
    return DashboardPanel(title="Dummy greeting", template="treffpunkt_dummy/panel.html", order=5)


def greetings_section(sender, start, end, action_field=None, **kwargs):
    """Declared in DummyPluginConfig.report_sections: greetings of the period, in "Other"."""
    from .models import Greeting

    if action_field is not None:
        return None
    greetings = Greeting.objects.filter(
        site=sender, created_at__date__gte=start, created_at__date__lte=end
    ).order_by("created_at")
    rows = [ReportRow(g.text, g.created_at.date()) for g in greetings]
    return ReportSection("Greetings", rows, order=90) if rows else None


@receiver(calendar_entries)
def dummy_dates(sender, start, end, user, filters=None, **kwargs):
    """Dummy pages with a date are dates of kind "dummy" in the site's calendar."""
    from datetime import timedelta

    from .models import DummyPage

    filters = filters or {}
    if set(filters) - {"kind"}:  # the dummy cannot answer the other filters
        return []
    pages = DummyPage.objects.live().in_site(sender).filter(meets_at__gte=start, meets_at__lt=end)
    return [
        CalendarEntry(
            uid=f"dummy-{page.pk}@treffpunkt",
            title=page.title,
            start=page.meets_at,
            end=page.meets_at + timedelta(hours=1),
            url=page.url or "",
            kind="dummy",
            kind_label="Dummy date",
        )
        for page in pages
    ]
