from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from treffpunkt.calendar.blocks import UpcomingEventsBlock


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=500)
    page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    url = blocks.URLBlock(label=_("or link to address"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "core/blocks/call_to_action.html"
        kept = True  # shows only its value: kept as HTML ({% kept_stream %})


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=120)
    role = blocks.CharBlock(label=_("Role"), required=False, max_length=120)
    phone = blocks.CharBlock(label=_("Phone"), required=False, max_length=40)
    email = blocks.EmailBlock(label=_("Email"), required=False)
    address = blocks.TextBlock(label=_("Address"), required=False, max_length=300)
    languages = blocks.CharBlock(label=_("Languages spoken"), required=False, max_length=200)

    class Meta:
        icon = "user"
        label = _("Contact")
        template = "core/blocks/contact.html"
        kept = True  # shows only its value: kept as HTML ({% kept_stream %})


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "core/blocks/image.html"
        kept = True  # shows only its value: kept as HTML ({% kept_stream %})


def body_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks of a content page body; apps extend the list in ``extra_body_blocks``."""
    return [
        (
            "heading",
            blocks.CharBlock(
                label=_("Heading"), form_classname="title", template="core/blocks/heading.html"
            ),
        ),
        (
            "text",
            blocks.RichTextBlock(
                label=_("Text"),
                features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
            ),
        ),
        ("image", CaptionedImageBlock()),
        ("call_to_action", CallToActionBlock()),
        ("contact", ContactBlock()),
        ("upcoming_events", UpcomingEventsBlock()),
    ]
