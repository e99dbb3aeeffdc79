from django.db import models
from wagtail.models import Page


class DummyPage(Page):
    greeting = models.CharField(max_length=100, default="Hallo")
    template = "treffpunkt_dummy/dummy_page.html"
