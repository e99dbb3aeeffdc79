"""A page's stream field keeps the HTML of each block that shows only its value
(``{% kept_stream %}``, issue 15): a warm process converts and renders none of them again
(the page a call-to-action links was read on every render), the next dates are rendered
every time, a change shows at once and nothing is escaped twice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
KEPT_BLOCK_TEMPLATES = {"core/blocks/call_to_action.html", "core/blocks/heading.html"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page cache would hide the renders


@pytest.fixture
def page(site):
    home = site.root_page
    target = ContentPage(title="Beratung", slug="beratung")
    home.add_child(instance=target)
    target.save_revision().publish()
    page = ContentPage(
        title="Ankommen",
        slug="ankommen",
        body=[
            ("heading", "Wohnen & <Arbeit>"),
            ("text", "<p>Wir helfen <b>gern</b>.</p>"),
            (
                "call_to_action",
                {
                    "title": "Beratung",
                    "text": "Jeden Dienstag",
                    "page": target,
                    "button_label": "Hin",
                },
            ),
            ("upcoming_events", {"title": "Termine", "limit": 3}),
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _get(client, path):
    response = client.get(path, **HOST)
    assert response.status_code == 200
    return response


def test_a_warm_process_renders_no_kept_block_again(client, page):
    cold = _get(client, "/ankommen/")
    assert {t.name for t in cold.templates} >= KEPT_BLOCK_TEMPLATES
    with CaptureQueriesContext(connection) as ctx:
        warm = _get(Client(), "/ankommen/")
    assert not KEPT_BLOCK_TEMPLATES & {t.name for t in warm.templates}
    # the next dates are of now: rendered every time
    assert "calendar/blocks/upcoming_events.html" in {t.name for t in warm.templates}
    # the page the call to action links is not read again
    assert not [q for q in ctx.captured_queries if "WHERE" in q["sql"] and "beratung" in q["sql"]]
    for response in (cold, warm):
        html = response.content.decode()
        assert "Wohnen &amp; &lt;Arbeit&gt;</h2>" in html
        assert "Wir helfen <b>gern</b>." in html
        assert 'href="/beratung/"' in html and "Jeden Dienstag" in html


def test_a_change_shows_at_once(client, page):
    _get(client, "/ankommen/")
    page.body[1] = ("text", "<p>Neu: offene Sprechstunde.</p>")
    page.save_revision().publish()
    html = _get(client, "/ankommen/").content.decode()
    assert "offene Sprechstunde" in html and "Wir helfen" not in html


def test_without_a_shared_cache_every_block_is_rendered(client, page, settings):
    settings.CACHE_SHARED_BY_PROCESSES = False
    _get(client, "/ankommen/")
    warm = _get(client, "/ankommen/")
    assert {t.name for t in warm.templates} >= KEPT_BLOCK_TEMPLATES


@pytest.mark.parametrize("shared", [True, False])
def test_a_block_without_a_template_is_escaped_as_include_block_does(settings, rf, page, shared):
    """A CharBlock or TextBlock without a template of its own renders its plain text; the
    tag escapes it as ``{% include_block %}`` in a template would, kept or not."""
    from django.template import Context, Template
    from wagtail import blocks

    settings.CACHE_SHARED_BY_PROCESSES = shared
    stream_block = blocks.StreamBlock([("plain", blocks.CharBlock()), ("long", blocks.TextBlock())])
    stream = stream_block.to_python(
        [
            {"type": "plain", "value": "<script>alert(1)</script>", "id": "a"},
            {"type": "long", "value": "Tom & <Jerry>", "id": "b"},
        ]
    )
    request = rf.get("/ankommen/", HTTP_HOST="beckum.test")
    context = Context({"request": request, "page": page, "stream": stream})
    template = Template("{% load treffpunkt_tags %}{% kept_stream stream %}")
    for _visit in range(2):  # made, then (shared) as kept
        html = template.render(context)
        assert html == "&lt;script&gt;alert(1)&lt;/script&gt;Tom &amp; &lt;Jerry&gt;"
