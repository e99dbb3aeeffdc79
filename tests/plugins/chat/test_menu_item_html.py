"""The chat's menu item is written by a template tag, not a template of its own (issue 15):
byte for byte what the template wrote, in every language, with and without unread messages,
on the chat's pages and elsewhere."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from plugins.chat.templatetags import chat_menu

#: the template the menu item was written with before
TEMPLATE = (
    '{% load i18n chat_menu %}{% chat_menu_entry as chat %}{% if chat %}<li><a href="{{ chat.url }}"'
    '{% if chat.active %} aria-current="page"{% endif %}>{% translate "Chat" %}{% if chat.unread %}'
    ' <span class="badge">{% blocktranslate count counter=chat.unread %}{{ counter }} unread'
    "{% plural %}{{ counter }} unread{% endblocktranslate %}</span>{% endif %}</a></li>{% endif %}"
)


class _Member:
    is_authenticated = True


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk", "tr"])
@pytest.mark.parametrize("unread", [None, 0, 1, 3, 1234])
@pytest.mark.parametrize("path", ["/", "/chat/", "/chat/raum/7/"])
def test_the_item_is_what_the_template_wrote(monkeypatch, language, unread, path):
    monkeypatch.setattr(chat_menu, "unread_in_menu", lambda user, site: unread)
    monkeypatch.setattr(chat_menu.Site, "find_for_request", staticmethod(lambda request: object()))
    monkeypatch.setattr(chat_menu, "reverse", lambda name: "/chat/")
    request = RequestFactory().get(path)
    request.user = _Member()
    with translation.override(language):
        expected = Template(TEMPLATE).render(Context({"request": request}))
        written = Template("{% load chat_menu %}{% chat_menu_item %}").render(
            Context({"request": request})
        )
    assert written == expected
    assert ("<li>" in written) is (unread is not None)


def test_nobody_signed_in_gets_no_item():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert (
        Template("{% load chat_menu %}{% chat_menu_item %}").render(Context({"request": request}))
        == ""
    )
