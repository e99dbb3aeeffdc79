"""A StreamField block for content pages: the next entries of the site's calendar."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .kinds import block_kind_choices


class UpcomingEventsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    limit = blocks.IntegerBlock(label=_("Number of events"), min_value=1, max_value=20, default=5)
    kind = blocks.ChoiceBlock(label=_("Type"), required=False, choices=block_kind_choices)

    class Meta:
        icon = "date"
        label = _("Upcoming events")
        template = "calendar/blocks/upcoming_events.html"

    def get_context(self, value, parent_context=None):
        from wagtail.models import Site

        from .service import calendar_page, upcoming

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request else None
        user = getattr(request, "user", None)
        filters = {"kind": value.get("kind")} if value.get("kind") else None
        context["entries"] = (
            upcoming(site, user, limit=value.get("limit") or 5, filters=filters) if site else []
        )
        context["calendar_page"] = calendar_page(site)
        return context
