"""The parts of an event page that only its editors change, kept with the chrome.

An event page shows its programme (with speakers), its sign-up questions, a festival's
helper shifts, a conference's workshops, its organisers and action fields, and the title of
its host working group: seven queries per render, and the sign-up form asks for the
questions again on every POST.
All of them are the page's own rows (saved when the page is published, which starts a new
chrome generation) or rows whose saves start one (:func:`connect`). They are read once per
page and generation and kept with the chrome (:func:`treffpunkt.core.chrome.cached`);
:func:`prime` puts them on the page and event objects of a request where the ORM's own
caches find them (cached properties, the prefetch cache), so every
caller (the forms, the availability, the templates) reads them without a query and nothing
else changes. The places left (registrations) are never kept here.
"""

from __future__ import annotations

from treffpunkt.core import chrome, generations

#: each kept list, the name of its rows' link to their page, and which page that is
_PARENTS = {
    "sessions": ("event", "page"),
    "questions": ("event", "event"),
    "shifts": ("festival", "event"),
    "workshops": ("conference", "event"),
}


def _read(page, event) -> dict:
    parts = {
        "sessions": list(page.session_list),
        "questions": list(event.questions.all()),
        "shifts": list(event.shift_list),
        "workshops": list(event.workshop_list),
        "organisers": list(event.organisers.all()),
        "action_fields": list(event.action_fields.all()),
        # the host working group's page (its title is shown): a page saved starts a new
        # generation like any other
        "working_group": event.working_group if event.working_group_id else None,
    }
    # The rows know their page (Django sets it on rows read through it); a page does not
    # travel through the cache, so the link is dropped here and set again by prime().
    for name, (link, _whose) in _PARENTS.items():
        for row in parts[name]:
            row._state.fields_cache.pop(link, None)
    return parts


def _prefetched(instance, name: str, rows: list) -> None:
    """``instance.<name>.all()`` answers ``rows`` without a query (Django's prefetch cache)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def prime(request, page, event, site) -> None:
    """Put the kept parts of ``page`` (as shown) and ``event`` (its registrations' page, the
    same one in the default language) on the two objects of this request. An editor's
    preview shows the draft's own rows: nothing is put there."""
    if site is None or page.pk is None or event.pk is None:
        return
    if getattr(request, "is_preview", False):
        return
    parts = chrome.cached("event-parts", site, "", lambda: _read(page, event), page.pk, event.pk)
    for name, (link, whose) in _PARENTS.items():
        parent = page if whose == "page" else event
        for row in parts[name]:
            row._state.fields_cache[link] = parent
    page.__dict__["session_list"] = parts["sessions"]
    event.__dict__["shift_list"] = parts["shifts"]
    event.__dict__["workshop_list"] = parts["workshops"]
    _prefetched(event, "questions", parts["questions"])
    _prefetched(event, "organisers", parts["organisers"])
    _prefetched(event, "action_fields", parts["action_fields"])
    group = parts.get("working_group")  # absent from what an earlier release kept
    if group is not None and group.pk == event.working_group_id:
        event._state.fields_cache["working_group"] = group


def connect() -> None:
    """Rows an event page shows that change without the page being published (a speaker,
    an organisation's or an action field's name) start a new chrome generation."""
    from networks.models import ActionField, Organisation

    from .models import HelperShift, ProgrammeItem, Question, Speaker, Workshop

    generations.connect_saved_and_deleted(
        chrome.chrome_changed,
        (Question, ProgrammeItem, Speaker, HelperShift, Workshop, Organisation, ActionField),
        uid="events_kept_parts",
    )
