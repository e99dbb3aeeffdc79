"""The view restrictions a process keeps per generation (treffpunkt.core.restrictions.Rules)
answer as the database does, and follow every change at once.

Serving a page asks these rules instead of four queries; a stale answer would open a
restricted page to everyone, so each change that can open or close a page is checked here
right after the page was served (and the rules built) once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Locale, Page, PageViewRestriction

from tests.conftest import publish_page
from treffpunkt.core import restrictions
from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0
    for code in ["de", "en"]:
        Locale.objects.get_or_create(language_code=code)


@pytest.fixture
def section(site):
    return publish_page(site.root_page, ContentPage(title="Intern", slug="intern"))


@pytest.fixture
def inner(section):
    return publish_page(section, ContentPage(title="Protokolle", slug="protokolle"))


def test_a_restriction_added_after_a_visit_closes_the_page_at_once(client, section, inner):
    assert client.get(inner.url, **HOST).status_code == 200
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    response = client.get(inner.url, **HOST)
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(inner.url, **HOST).status_code == 200


def test_a_group_given_to_a_restriction_opens_it_for_that_group(client, section, make_user):
    readers, others = Group.objects.create(name="Lesende"), Group.objects.create(name="Andere")
    member = make_user("leserin@example.org")
    member.groups.add(others)
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="groups")
    restriction.groups.add(readers)
    client.force_login(member)
    assert client.get(section.url, **HOST).status_code in (302, 404)
    restriction.groups.add(others)  # only the groups change (m2m): a new generation too
    assert client.get(section.url, **HOST).status_code == 200
    restriction.groups.remove(others)
    assert client.get(section.url, **HOST).status_code in (302, 404)


def test_rules_read_inside_a_rolled_back_change_are_not_kept(section, inner):
    """A restriction deleted in a transaction that is rolled back: rules read inside it
    (without the restriction) must not outlive the rollback."""
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert not restrictions.may_view(inner, None)
    with pytest.raises(RuntimeError), transaction.atomic():
        PageViewRestriction.objects.filter(page=section).delete()
        assert restrictions.may_view(inner, None)
        raise RuntimeError("rolled back")
    assert not restrictions.may_view(inner, None)


def test_the_rules_find_what_wagtail_finds_for_pages_and_aliases(site, section, inner):
    """Restrictions of a page, the pages above it, and of an alias (its source's)."""
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    outside = publish_page(site.root_page, ContentPage(title="Offen", slug="offen"))
    alias = inner.create_alias(parent=outside, update_slug="protokolle-kopie")
    alias_of_section = section.create_alias(parent=outside, update_slug="intern-kopie")
    below_alias = Page.objects.get(pk=alias_of_section.pk).get_children().first()
    pages = [site.root_page, section, inner, outside, alias, alias_of_section]
    if below_alias is not None:
        pages.append(below_alias)
    rules = restrictions.rules()
    for page in pages:
        page = Page.objects.get(pk=page.pk)
        expected = sorted(r.pk for r in page.get_view_restrictions())
        assert [r.pk for r in rules.view_restrictions(page)] == expected, page.url_path
    assert [r.pk for r in rules.view_restrictions(Page.objects.get(pk=alias_of_section.pk))] == [
        restriction.pk
    ]


def test_a_restricted_translation_closes_the_original(client, section, inner):
    english = inner.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.save_revision().publish()
    assert client.get(inner.url, **HOST).status_code == 200
    PageViewRestriction.objects.create(page=english, restriction_type="login")
    response = client.get(inner.url, **HOST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_served_page_asks_no_restriction_query_once_the_rules_are_known(
    client, section, inner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PageViewRestriction.objects.create(page=section, restriction_type="login")
    client.get(inner.url, **HOST)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(inner.url, **HOST)
    assert response.status_code == 302
    asked = [q["sql"] for q in ctx.captured_queries if "pageviewrestriction" in q["sql"]]
    assert asked == []


def test_without_a_shared_cache_a_restriction_of_another_process_counts_at_once(
    client, settings, section, inner
):
    """Without Redis each process has its own cache: a restriction saved by another process
    (made here without signals, so this process's generation stays) must still close the
    page at the next request, so the rules are read per request then."""
    settings.CACHE_SHARED_BY_PROCESSES = False
    assert client.get(inner.url, **HOST).status_code == 200
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=section, restriction_type="login")]
    )
    response = client.get(inner.url, **HOST)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not restrictions.may_view(inner, None)


def test_with_a_shared_cache_the_rules_follow_the_generation_only(settings, section, inner):
    """The other side of the test above: with Redis the rules are kept until the generation
    changes (a save through the models starts one, in every process)."""
    settings.CACHE_SHARED_BY_PROCESSES = True
    assert restrictions.may_view(inner, None)
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=section, restriction_type="login")]
    )
    assert restrictions.may_view(inner, None)  # kept: nothing said the rules changed
    from treffpunkt.core.chrome import chrome_changed

    chrome_changed()
    assert not restrictions.may_view(inner, None)
