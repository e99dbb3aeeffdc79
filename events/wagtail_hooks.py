from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet

from .models import EventPage, Speaker

register_snippet(Speaker)


@hooks.register("register_page_listing_buttons")
def registrations_button(page, user, next_url=None):
    """A link from an event in the page explorer to its registrations (counts, check-in)."""
    if isinstance(page.specific_deferred, EventPage) and page.permissions_for_user(user).can_edit():
        yield ListingButton(
            _("Registrations"),
            reverse("events:registrations", args=[page.pk]),
            priority=60,
        )
