"""Helpers shared by the tests: a real SMTP server, axe-core, query counting."""

from __future__ import annotations

import email
import re
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.sink.refuse:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """aiosmtpd on 127.0.0.1; ``refuse = True`` answers 451 to simulate an outage."""

    def __init__(self, port: int | None = None):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = False
        self.lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[Message]:
        return [
            m
            for m, (_f, rcpts) in zip(self.messages, self.envelopes, strict=True)
            if address in rcpts
        ]


def body_text(message: Message) -> str:
    """The text/plain part of a mail (or the whole payload), decoded."""
    if message.is_multipart():
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        part = next(p for p in message.walk() if not p.is_multipart())
        return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def assert_no_axe_violations(page) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page and fail with a readable report."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{report}"
