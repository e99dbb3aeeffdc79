"""Plain text in, safe HTML out: everything escaped, links clickable, line breaks kept,
mentions marked. Rendered once when a message is saved, so no client ever renders text."""

from __future__ import annotations

import re

from django.utils.html import escape, urlize

#: "@name" not glued to a word, a path or an email address before it
MENTION_RE = re.compile(r"(?<![\w./:@])@([\w][\w.\-]{0,60})")


def mention_handles(user) -> set[str]:
    """The names someone can be mentioned by, lower case: first name, full name without
    spaces, and the part of their address before the @."""
    handles = {user.email.split("@")[0].lower()}
    if user.first_name:
        handles.add(user.first_name.replace(" ", "").lower())
        handles.add((user.first_name + user.last_name).replace(" ", "").lower())
    return handles


def mentioned_tokens(text: str) -> set[str]:
    return {m.group(1).rstrip(".-").lower() for m in MENTION_RE.finditer(text)}


def _render_plain(text: str) -> str:
    html = urlize(text, nofollow=True, autoescape=True)
    # urlize opens links in the same tab; chat links should not replace the chat
    html = html.replace('<a href="', '<a target="_blank" rel="noopener nofollow" href="').replace(
        ' rel="nofollow">', ">"
    )
    return html


def render(text: str, mentioned: set[str] | None = None) -> str:
    """Escaped HTML of ``text``; ``mentioned`` holds the tokens that named a real person."""
    mentioned = mentioned or set()
    parts: list[str] = []
    last = 0
    for match in MENTION_RE.finditer(text):
        token = match.group(1).rstrip(".-")
        if token.lower() not in mentioned:
            continue
        end = match.start(1) + len(token)
        parts.append(_render_plain(text[last : match.start()]))
        parts.append(f'<strong class="chat-mention">@{escape(token)}</strong>')
        last = end
    parts.append(_render_plain(text[last:]))
    return "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
