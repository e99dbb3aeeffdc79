"""The demo's mail on the console: each mail as one framed block that stands out from the
log lines, with its plain-text part (links readable, no MIME, no HTML)."""

from __future__ import annotations

import shutil

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        width = min(shutil.get_terminal_size((88, 20)).columns, 100)
        text = message.body or ""
        recipients = ", ".join(message.recipients())
        rule = "═" * width
        lines = [
            "",
            rule,
            f"  ✉  MAIL to {recipients}",
            f"     Subject: {message.subject}",
            "─" * width,
            *("  " + line for line in text.strip().splitlines()),
            rule,
            "",
        ]
        self.stream.write("\n".join(lines) + "\n")
