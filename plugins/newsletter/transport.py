"""SMTP transport of the newsletter: one message at a time, the row marked right before the
final dot (see :mod:`plugins.newsletter.delivery` for why that makes a send exactly-once)."""

from __future__ import annotations

import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address


class NotDelivered(Exception):
    """The server did not take the message (the row may be retried or fails)."""

    def __init__(
        self,
        message: str,
        *,
        temporary: bool,
        code: int | None = None,
        stage: str = "",
        marked: bool = False,
    ):
        super().__init__(message)
        self.temporary, self.code, self.stage = temporary, code, stage
        # the row was marked "sending" before the failure (the dot had not left): undo it
        self.marked = marked


class Ambiguous(Exception):
    """The final dot went out but no answer came back: the server may have the message."""


class Abandoned(Exception):
    """Our claim on the row was lost before the dot; nothing was delivered."""


def _hung_up(sock) -> bool:
    """Whether the peer closed the connection (or sent something) while we wrote the body."""
    if sock is None:
        return True
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    readable, _w, _x = select.select([sock], [], [], 0)
    return bool(readable)


class SMTPTransport:
    """Talks SMTP itself so that the row can be marked between the body and the final dot."""

    def __init__(self) -> None:
        self.conn: smtplib.SMTP | None = None

    def open(self) -> None:
        cls = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
        kwargs = {"timeout": getattr(settings, "EMAIL_TIMEOUT", None) or 30}
        if settings.EMAIL_USE_SSL:
            kwargs["context"] = ssl.create_default_context()
        self.conn = cls(settings.EMAIL_HOST, settings.EMAIL_PORT, **kwargs)
        # The final dot is written alone, after the row is marked. With Nagle's algorithm on,
        # the kernel holds that small write until the body is acknowledged, and the server
        # acknowledges late (delayed ACK): some 40 ms lost on every mail.
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if settings.EMAIL_USE_TLS:
            self.conn.starttls(context=ssl.create_default_context())
        if settings.EMAIL_HOST_USER:
            self.conn.ehlo_or_helo_if_needed()
            self.conn.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
        self.conn = None

    def _abort(self) -> None:
        # Closing before the final dot makes the server drop the half-sent message.
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, message: EmailMultiAlternatives, mark_sending: Callable[[], bool]) -> None:
        encoding = message.encoding or settings.DEFAULT_CHARSET
        from_addr = sanitize_address(message.from_email, encoding)
        to_addr = sanitize_address(message.to[0], encoding)
        data = message.message().as_bytes(linesep="\r\n")
        try:
            if self.conn is None:
                self.open()
            conn = self.conn
            conn.ehlo_or_helo_if_needed()
            for stage, command, ok in (
                ("MAIL", lambda: conn.mail(from_addr), (250,)),
                ("RCPT", lambda: conn.rcpt(to_addr), (250, 251)),
                ("DATA", lambda: conn.docmd("DATA"), (354,)),
            ):
                code, reply = command()
                if code not in ok:
                    if stage != "DATA":
                        conn.rset()
                    else:
                        self._abort()
                    raise NotDelivered(
                        reply.decode(errors="replace"),
                        temporary=400 <= code < 500,
                        code=code,
                        stage=stage,
                    )
            body = re.sub(rb"(?m)^\.", b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            conn.send(body)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._abort()
            raise NotDelivered(
                str(exc) or type(exc).__name__, temporary=True, stage="connect"
            ) from exc
        if not mark_sending():
            self._abort()
            raise Abandoned
        # The row is "sending" now. Until the final dot has left, the server cannot have the
        # message: a connection that is closed (or a server that spoke out of turn, e.g. a
        # 421 before it hangs up) is found here and the mail is tried again, not "unknown".
        try:
            if _hung_up(conn.sock):
                raise smtplib.SMTPServerDisconnected("the server closed the connection mid-DATA")
            conn.sock.sendall(b".\r\n")
        except OSError as exc:
            self._abort()
            raise NotDelivered(
                str(exc) or type(exc).__name__, temporary=True, stage="connect", marked=True
            ) from exc
        # The dot is written: from here a lost connection leaves the outcome unknown.
        try:
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._abort()
            raise Ambiguous(str(exc)) from exc
        if code != 250:
            raise NotDelivered(
                reply.decode(errors="replace"), temporary=400 <= code < 500, code=code, stage="DATA"
            )


class BackendTransport:
    """Any other Django mail backend (django-anymail's providers, the console)."""

    def __init__(self) -> None:
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self.connection.open()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def send(self, message: EmailMultiAlternatives, mark_sending: Callable[[], bool]) -> None:
        if self.connection is None:
            self.open()
        if not mark_sending():
            raise Abandoned
        message.connection = self.connection
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - providers raise their own kinds
            status = getattr(exc, "status_code", None)
            raise NotDelivered(str(exc)[:300], temporary=status is None or status >= 500) from exc


def make_transport():
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return SMTPTransport()
    return BackendTransport()
