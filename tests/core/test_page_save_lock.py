"""An autosave that reaches the server beside the editor's own save never wins over it.

Wagtail checks an autosave against the latest revision before it saves, without a lock. Here
the editor's save holds the page (as a save in progress does) while an autosave of the older
form state arrives: the autosave must wait, then be refused as out of date, and the editor's
revision stays the latest. Without ``PageSaveLockMiddleware`` the autosave passes the check
first, waits only at its write and then makes its older text the latest revision."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from treffpunkt.core.editlock import page_being_saved
from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db(transaction=True)


def _form(page, intro: str, **extra) -> dict:
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": intro,
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


@pytest.fixture
def draft(site):
    page = ContentPage(title="Sprachcafé", slug="sprachcafe", intro="Erste Fassung")
    site.root_page.add_child(instance=page)
    page.save_revision()
    return page


def test_only_a_page_save_is_locked():
    class Request:
        def __init__(self, method, path):
            self.method, self.path_info = method, path

    assert page_being_saved(Request("POST", "/admin/pages/5/edit/")) == 5
    assert page_being_saved(Request("GET", "/admin/pages/5/edit/")) is None
    assert page_being_saved(Request("POST", "/admin/pages/5/delete/")) is None
    assert page_being_saved(Request("POST", "/admin/pages/99999999999999/edit/x")) is None
    assert page_being_saved(Request("POST", "/veranstaltungen/")) is None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: the PostgreSQL variant")
def test_an_autosave_beside_the_editors_save_is_refused(draft, staff):
    editor = Client()
    editor.force_login(staff)
    # The editor's browser autosaved once: revision A, which its next autosave overwrites.
    first = editor.post(
        f"/admin/pages/{draft.pk}/edit/",
        _form(draft, "Autosave"),
        HTTP_ACCEPT="application/json",
        HTTP_HOST="beckum.test",
    )
    assert first.status_code == 200 and first.json()["success"], first.content[:300]
    autosaved = first.json()["revision_id"]

    holding = threading.Event()
    release = threading.Event()
    outcome: dict = {}

    def explicit_save():
        # The editor's own "save draft", caught in the middle: it holds the page's row.
        try:
            with transaction.atomic():
                page = ContentPage.objects.select_for_update().get(pk=draft.pk)
                holding.set()
                release.wait(10)
                page.intro = "Was die Redakteurin zuletzt schrieb"
                outcome["explicit"] = page.save_revision(user=staff).pk
        finally:
            connection.close()

    def stale_autosave():
        try:
            browser = Client()
            browser.force_login(staff)
            answer = browser.post(
                f"/admin/pages/{draft.pk}/edit/",
                _form(draft, "Ältere Fassung", overwrite_revision_id=str(autosaved)),
                HTTP_ACCEPT="application/json",
                HTTP_HOST="beckum.test",
            )
            outcome["autosave"] = answer.json()
        finally:
            connection.close()

    saver = threading.Thread(target=explicit_save)
    saver.start()
    assert holding.wait(10)
    autosave = threading.Thread(target=stale_autosave)
    autosave.start()
    time.sleep(1.0)  # the autosave is at the server now and waits
    assert "autosave" not in outcome
    release.set()
    saver.join(20)
    autosave.join(20)

    assert outcome["autosave"]["success"] is False
    assert outcome["autosave"]["error_code"] == "invalid_revision"
    draft.refresh_from_db()
    assert draft.latest_revision_id == outcome["explicit"]
    assert draft.get_latest_revision_as_object().intro == "Was die Redakteurin zuletzt schrieb"


@pytest.mark.parametrize(
    "missing",
    [
        {"body-count": None},  # a hand-made post without the StreamField's count
        {"body-count": "viele"},  # a count that is no number
    ],
)
def test_a_page_post_without_its_form_fields_is_a_bad_request(draft, staff, missing):
    """Wagtail's StreamField reads ``body-count`` straight from the post; a request without
    it (or with text there) is the sender's mistake: 400, and the page stays as it was."""
    editor = Client()
    editor.force_login(staff)
    data = _form(draft, "Zerbrochen")
    for name, value in missing.items():
        data.pop(name, None)
        if value is not None:
            data[name] = value
    for accept in ("text/html", "application/json"):
        response = editor.post(
            f"/admin/pages/{draft.pk}/edit/", data, HTTP_ACCEPT=accept, HTTP_HOST="beckum.test"
        )
        assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.get_latest_revision_as_object().intro == "Erste Fassung"
