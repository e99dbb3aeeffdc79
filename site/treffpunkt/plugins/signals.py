"""Site-aware signals: the extension points that core apps offer to plugins.

A :class:`SiteSignal` is sent with a Wagtail ``Site`` as sender. Receivers that live in a
plugin run only when that plugin is enabled for the site; receivers in core code always run.
Declare each one with a docstring that states its arguments and what a receiver returns.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.dispatch import Signal

from . import registry


def _receiver_module(receiver: Any) -> str | None:
    func = getattr(receiver, "__func__", receiver)
    return getattr(func, "__module__", None)


class SiteSignal(Signal):
    def _receiver_allowed(self, receiver: Any, site) -> bool:
        plugin = registry.plugin_for_module(_receiver_module(receiver))
        return plugin is None or registry.is_enabled(plugin.label, site)

    def receivers_for(self, site) -> list[Any]:
        """The receivers that ``send`` would call for ``site``, without calling them."""
        if not self.receivers:
            return []
        sync_receivers, async_receivers = self._live_receivers(site)
        return [r for r in [*sync_receivers, *async_receivers] if self._receiver_allowed(r, site)]

    def send(self, sender, **named) -> list[tuple[Any, Any]]:
        """Call the receivers allowed for ``sender`` (a Site) and return their answers."""
        if not self.receivers:
            return []
        sync_receivers, async_receivers = self._live_receivers(sender)
        responses = []
        for receiver in sync_receivers:
            if self._receiver_allowed(receiver, sender):
                responses.append((receiver, receiver(signal=self, sender=sender, **named)))
        for receiver in async_receivers:
            if self._receiver_allowed(receiver, sender):
                result = async_to_sync(receiver)(signal=self, sender=sender, **named)
                responses.append((receiver, result))
        return responses

    def send_robust(self, sender, **named):  # pragma: no cover - same contract as send
        raise NotImplementedError("Site signals are sent with send(); errors must surface.")

    def collect(self, site, **named) -> list[Any]:
        """Answers of all allowed receivers, flattened when a receiver returns a list."""
        results: list[Any] = []
        for _receiver, answer in self.send(site, **named):
            if answer is None:
                continue
            if isinstance(answer, list | tuple):
                results.extend(answer)
            else:
                results.append(answer)
        return results


class PersonSignal(Signal):
    """A signal about one person: every receiver runs, whatever the site and its plugins.

    Deletion and the download of one's own data are owed per person across the whole
    deployment, so the site filter of :class:`SiteSignal` does not apply. Errors surface.
    """

    def send_robust(self, sender, **named):  # pragma: no cover - same contract as send
        raise NotImplementedError("Person signals are sent with send(); errors must surface.")

    def collect(self, site, **named) -> list[Any]:
        """The answers of every receiver that answered (None is left out)."""
        return [answer for _receiver, answer in self.send(site, **named) if answer is not None]
