"""The blocks a newsletter issue is written with; each renders on the web and in a mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from treffpunkt.core.blocks import CallToActionBlock, CaptionedImageBlock


class UpcomingEventsBlock(blocks.StructBlock):
    """The next events of the site's calendar, chosen when the mail is rendered."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    action_field = SnippetChooserBlock(
        "networks.ActionField",
        label=_("Only this action field"),
        required=False,
    )
    limit = blocks.IntegerBlock(label=_("How many"), min_value=1, max_value=20, default=5)

    class Meta:
        icon = "date"
        label = _("Upcoming events")
        template = "newsletter/blocks/upcoming_events.html"


class WorkingGroupNewsBlock(blocks.StructBlock):
    """News from one working group, written by the editor, linking to the group's page."""

    group = blocks.PageChooserBlock(label=_("Working group"), page_type="networks.WorkingGroupPage")
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), max_length=2000)

    class Meta:
        icon = "group"
        label = _("Working-group news")
        template = "newsletter/blocks/working_group_news.html"


def newsletter_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("heading", blocks.CharBlock(label=_("Heading"), form_classname="title")),
        (
            "text",
            blocks.RichTextBlock(
                label=_("Text"), features=["h3", "bold", "italic", "ol", "ul", "link"]
            ),
        ),
        ("image", CaptionedImageBlock()),
        ("upcoming_events", UpcomingEventsBlock()),
        ("working_group_news", WorkingGroupNewsBlock()),
        ("call_to_action", CallToActionBlock()),
    ]
