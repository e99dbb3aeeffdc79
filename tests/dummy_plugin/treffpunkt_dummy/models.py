from django.db import models
from wagtail.models import Page


class DummyPage(Page):
    greeting = models.CharField(max_length=100, default="Hallo")
    #: when set, the page is a date in the site's calendar (kind "dummy")
    meets_at = models.DateTimeField(null=True, blank=True)
    template = "treffpunkt_dummy/dummy_page.html"


class Greeting(models.Model):
    """A greeting someone left; never shown on public pages (see page_cache_ignore)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text
