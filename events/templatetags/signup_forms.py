"""``{% submission_field %}``: the random token that makes one sign-up form one sign-up."""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def submission_field() -> str:
    """A hidden field with a new random token. The page cache gives every visitor a new one
    (treffpunkt.core.pagecache), so a cached page never hands two visitors the same token."""
    return format_html(
        '<input type="hidden" name="submission" value="{}">', secrets.token_urlsafe(24)
    )


class KeptSignupNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context) -> str:
        from treffpunkt.core.templatetags.treffpunkt_tags import kept_form_html

        key = context.get("signup_kept")
        if not key:
            return self.nodelist.render(context)
        html = kept_form_html(
            context, "event-signup", "page", lambda: self.nodelist.render(context), key
        )
        user = context.get("user")
        if user is not None and user.is_authenticated:
            from events.forms import fill_person

            html = fill_person(html, user)
        return mark_safe(html)  # noqa: S308 - rendered by the templates, autoescaped


@register.tag("kept_signup")
def do_kept_signup(parser, token):
    """``{% kept_signup %}…{% endkept_signup %}``: an event page's sign-up sections, kept as
    HTML with the page's content when the view says they are the same for every visitor
    shown them (``signup_kept``: blank forms, named by the sign-up state, the places left
    and whether the visitor is signed in); each answer gets its own form tokens, and a
    signed-in person their address and name in the form."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% kept_signup %} takes no arguments")
    nodelist = parser.parse(("endkept_signup",))
    parser.delete_first_token()
    return KeptSignupNode(nodelist)
