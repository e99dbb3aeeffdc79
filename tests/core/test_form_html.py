"""A form's fields are rendered once per distinct form and kept in the process
(``{% form_fields %}``, treffpunkt.core.formhtml): the kept HTML is exactly what the
template renders, a form that differs in anything it shows gets its own, and a form with
errors or with a query's choices is rendered every time (issue 15)."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test.signals import template_rendered
from django.utils import translation

from treffpunkt.core import formhtml

HOST = {"HTTP_HOST": "beckum.test"}


class Probe(forms.Form):
    name = forms.CharField(label="Ihr Name", required=False)
    email = forms.EmailField(label="E-Mail", help_text="Für die Bestätigung")
    kind = forms.ChoiceField(label="Art", choices=[("a", "Eins"), ("b", "Zwei")])
    yes = forms.BooleanField(label="Ja?", required=False)


@pytest.fixture(autouse=True)
def _empty():
    formhtml.forget_all()
    yield
    formhtml.forget_all()


@pytest.fixture
def renders():
    seen = []

    def count(sender, template, **kwargs):
        if template.name == formhtml.TEMPLATE:
            seen.append(template.name)

    template_rendered.connect(count)
    yield seen
    template_rendered.disconnect(count)


def fresh(form) -> str:
    return str(render_to_string(formhtml.TEMPLATE, {"form": form}))


def test_the_same_form_is_rendered_once_and_kept_exactly(renders):
    first = formhtml.render_fields(Probe())
    second = formhtml.render_fields(Probe())
    assert len(renders) == 1
    assert str(first) == str(second) == fresh(Probe())


def test_a_form_that_shows_other_values_gets_its_own_html():
    anonymous = formhtml.render_fields(Probe())
    mine = Probe()
    mine.fields["email"].initial = "amal@example.org"
    with_mine = formhtml.render_fields(mine)
    assert "amal@example.org" in with_mine
    assert "amal@example.org" not in formhtml.render_fields(Probe())
    assert str(anonymous) == fresh(Probe())


@pytest.mark.parametrize(
    "change",
    [
        lambda f: setattr(f.fields["kind"], "choices", [("a", "Eins"), ("c", "Drei")]),
        lambda f: setattr(f.fields["name"], "required", True),
        lambda f: setattr(f.fields["name"], "disabled", True),
        lambda f: setattr(f.fields["name"], "label", "Vorname"),
        lambda f: setattr(f.fields["email"], "help_text", "Anders"),
        lambda f: f.fields["name"].widget.attrs.update({"autocomplete": "name"}),
        lambda f: setattr(f, "prefix", "helfen"),
        lambda f: f.fields.pop("yes"),
    ],
)
def test_any_change_of_what_is_shown_is_rendered_anew(change):
    formhtml.render_fields(Probe())
    changed = Probe()
    change(changed)
    assert str(formhtml.render_fields(changed)) == fresh(changed)


def test_each_language_its_own(renders):
    with translation.override("de"):
        german = formhtml.render_fields(forms.Form())
        formhtml.render_fields(Probe())
    with translation.override("ar"):
        formhtml.render_fields(Probe())
    assert len(renders) == 3 and not german.strip()


def test_a_form_with_errors_is_rendered_every_time(renders):
    for _ in range(2):
        bound = Probe({"email": "kaputt"})
        assert not bound.is_valid()
        html = formhtml.render_fields(bound)
        assert "field--error" in html
    assert len(renders) == 2


def test_a_checked_bound_form_is_kept_with_its_values(renders):
    for _ in range(2):
        bound = Probe({"email": "nour@example.org", "kind": "b"})
        assert bound.is_valid()
        html = formhtml.render_fields(bound)
    assert len(renders) == 1
    assert 'value="nour@example.org"' in html and str(html) == fresh(bound)


def test_an_unchecked_bound_form_is_rendered_every_time(renders):
    for _ in range(2):
        formhtml.render_fields(Probe({"email": "nour@example.org"}))
    assert len(renders) == 2


@pytest.mark.django_db
def test_choices_from_a_query_are_asked_every_time(renders, site):
    from wagtail.models import Locale

    class ByQuery(forms.Form):
        locale = forms.ModelChoiceField(queryset=Locale.objects.all())

    for _ in range(2):
        formhtml.render_fields(ByQuery())
    assert len(renders) == 2


@pytest.mark.django_db
def test_the_sign_up_forms_render_as_the_template_does(site, make_user):
    """The event's own forms, for a visitor and a member: kept HTML == a fresh render."""
    from events.forms import ContributionForm, SignupForm
    from events.models import EventPage, Question
    from tests.events.conftest import add_event
    from treffpunkt.core.models import ContentPage

    calendar = ContentPage(title="Kalender", slug="kalender")
    site.root_page.add_child(instance=calendar)
    event = add_event(calendar, EventPage, title="Fest", capacity=10, max_party_size=3)
    Question.objects.create(event=event, label="Essen?", kind="choice", choices="Ja\nNein")
    Question.objects.create(event=event, label="Kinder?", kind="yes_no", required=True)
    member = make_user("amal@example.org", first_name="Amal")
    for user in (None, member, None):
        for form in (SignupForm(event=event, user=user), ContributionForm(prefix="beitrag")):
            assert str(formhtml.render_fields(form)) == fresh(form)
    kept = formhtml.render_fields(SignupForm(event=event, user=None))
    assert "amal@example.org" not in kept and "Essen?" in kept
