"""Fixtures of the newsletter tests: an archive, issues in two languages, subscribers."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page

from plugins.newsletter.models import NewsletterIndexPage, NewsletterPage, Subscriber, Topic


@pytest.fixture(autouse=True)
def locales(db):
    made = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code in ["de", "en", "ar", "uk", "tr"]
    }
    # A transactional test elsewhere may have flushed the tree Wagtail's migrations made.
    if Page.get_first_root_node() is None:
        Page.add_root(
            instance=Page(
                title="Root",
                slug="root",
                content_type=ContentType.objects.get_for_model(Page),
                locale=made["de"],
            )
        )
    return made


@pytest.fixture
def archive(site) -> NewsletterIndexPage:
    index = NewsletterIndexPage(title="Newsletter-Archiv", slug="newsletter-archiv")
    site.root_page.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_issue(archive, title="Neues aus dem Netzwerk", text="<p>Hallo {{ email }}!</p>", **extra):
    page = NewsletterPage(
        title=title,
        slug=extra.pop("slug", None) or title.lower().replace(" ", "-"),
        intro=extra.pop("intro", "Das Netzwerk Integration Beckum berichtet."),
        body=[("heading", "Sprachcafé"), ("text", text)] if text is not None else [],
        **extra,
    )
    archive.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate(page: NewsletterPage, locale: Locale, title: str, text: str) -> NewsletterPage:
    """An English (or other) edition, as wagtail-localize would make it."""
    copy = page.copy_for_translation(locale, copy_parents=True)
    copy.title = title
    copy.intro = "News from the network."
    copy.body = [("heading", "Language café"), ("text", text)]
    copy.save_revision().publish()
    return copy


@pytest.fixture
def issue(archive) -> NewsletterPage:
    return make_issue(archive)


def add_subscribers(site, count: int, languages=("de", "en", "ar"), prefix="leser", topics=()):
    made = Subscriber.objects.bulk_create(
        [
            Subscriber(
                site=site,
                email=f"{prefix}{i}@example.org",
                language=languages[i % len(languages)],
                status=Subscriber.Status.CONFIRMED,
                consent_source="test",
            )
            for i in range(count)
        ]
    )
    for topic in topics:
        topic.subscriber_set.add(*made)
    return made


@pytest.fixture
def topic(site) -> Topic:
    return Topic.objects.create(site=site, name="Veranstaltungen")
