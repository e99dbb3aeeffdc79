"""A StreamField block for content pages: the next events of the site's calendar."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class UpcomingEventsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    limit = blocks.IntegerBlock(label=_("Number of events"), min_value=1, max_value=20, default=5)
    kind = blocks.ChoiceBlock(
        label=_("Type"),
        required=False,
        choices=[
            ("conference", _("Conferences")),
            ("festival", _("Encounter festivals")),
            ("event", _("Other events")),
        ],
    )

    class Meta:
        icon = "date"
        label = _("Upcoming events")
        template = "events/blocks/upcoming_events.html"

    def get_context(self, value, parent_context=None):
        from wagtail.models import Site

        from .calendar import upcoming

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request else None
        user = getattr(request, "user", None)
        filters = {"kind": value.get("kind")} if value.get("kind") else None
        context["entries"] = (
            upcoming(site, user, limit=value.get("limit") or 5, filters=filters) if site else []
        )
        index = None
        if site is not None:
            from .models import EventIndexPage

            index = (
                EventIndexPage.objects.live().filter(path__startswith=site.root_page.path).first()
            )
        context["calendar_page"] = index.localized if index else None
        return context
