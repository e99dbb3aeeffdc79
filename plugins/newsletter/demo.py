"""Demo: Beckum's newsletter archive, topics, a few subscribers, one issue in German and
English, sent to them. The demo has no mail server, so the send goes to an in-memory mailbox;
the delivery records and the archive are real."""

from __future__ import annotations

from django.test import override_settings
from wagtail.models import Locale

from .models import Mailing, NewsletterIndexPage, NewsletterPage, Subscriber, Topic

TOPICS = ["Veranstaltungen", "Neues aus den Arbeitsgruppen", "Sprache", "Wohnen"]

# (email, language, topics): invented people; the members also have accounts in the demo
SUBSCRIBERS = [
    ("petra.wessel@example.org", "de", ["Veranstaltungen", "Sprache"]),
    ("amal.haddad@example.org", "ar", []),
    ("olena.koval@example.org", "uk", ["Veranstaltungen"]),
    ("mehmet.yilmaz@example.org", "tr", ["Neues aus den Arbeitsgruppen"]),
    ("jane.miller@example.org", "en", []),
]

ISSUE_TITLE = "Newsletter November 2026"
ISSUE_INTRO = (
    "Neues aus dem Netzwerk Integration Beckum: Sprachangebote, das nächste Netzwerktreffen "
    "und was die Arbeitsgruppen gerade bewegt."
)
TEXT = (
    "<p>Rund 8.000 Beckumerinnen und Beckumer haben eine Zuwanderungsgeschichte. Im Netzwerk "
    "Integration arbeiten Verbände, Vereine, Migrantenorganisationen, Schulen und die Stadt "
    "zusammen – die Schwerpunkte sind <b>Sprache</b>, <b>Leben und Freizeit</b> und "
    "<b>Wohnen</b>.</p>"
)
NEWS = (
    "Die Arbeitsgruppe „Kontakt mit (städtischen) Behörden“ sammelt Beispiele, wo Formulare und "
    "Briefe schwer verständlich sind, und schlägt der Verwaltung einfache Sprache vor."
)
EN = {
    ISSUE_TITLE: "Newsletter November 2026",
    ISSUE_INTRO: (
        "News from the Beckum Integration Network: language courses, the next network meeting "
        "and what the working groups are working on."
    ),
    "Aus dem Netzwerk": "From the network",
    TEXT: (
        "<p>About 8,000 people in Beckum have a history of migration. In the integration "
        "network, associations, clubs, migrant organisations, schools and the town work "
        "together – the focus is on <b>language</b>, <b>life and leisure</b> and "
        "<b>housing</b>.</p>"
    ),
    "Nächste Termine": "Upcoming dates",
    "Aus der Arbeitsgruppe": "From the working group",
    NEWS: (
        "The working group “Contact with (municipal) authorities” collects examples of forms and "
        "letters that are hard to understand, and suggests plain language to the administration."
    ),
    "Newsletter weiterempfehlen": "Recommend the newsletter",
    "Kennen Sie jemanden, den das interessiert? Anmelden geht ohne Konto, in fünf Sprachen.": (
        "Do you know someone who would be interested? Signing up needs no account, in five "
        "languages."
    ),
    "Zur Anmeldung": "Sign up",
}


def load(demo) -> None:
    site, home = demo.beckum, demo.beckum_home
    index = home.get_children().filter(slug="newsletter-archiv").first()
    if index is None:
        index = NewsletterIndexPage(
            title="Newsletter",
            slug="newsletter-archiv",
            intro="Alle Ausgaben des Newsletters des Netzwerks Integration Beckum.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    else:
        index = index.specific
    demo.add_to_menu(site, index, 60)

    topics = {}
    for order, name in enumerate(TOPICS):
        topics[name], _created = Topic.objects.get_or_create(
            site=site, name=name, defaults={"sort_order": order}
        )
    for email, language, chosen in SUBSCRIBERS:
        subscriber, created = Subscriber.objects.get_or_create(
            site=site,
            email=email,
            defaults={
                "language": language,
                "status": Subscriber.Status.CONFIRMED,
                "consent_text_version": "demo",
                "consent_source": "demo data",
                "user": demo.users.get(email),
            },
        )
        if created:
            from django.utils import timezone

            subscriber.consent_at = timezone.now()
            subscriber.save(update_fields=["consent_at"])
            subscriber.topics.set([topics[name] for name in chosen])

    issue = index.get_children().filter(slug="november-2026").first()
    if issue is None:
        issue = NewsletterPage(
            title=ISSUE_TITLE,
            slug="november-2026",
            intro=ISSUE_INTRO,
            body=_body(home),
        )
        index.add_child(instance=issue)
        issue.save_revision().publish()
    issue = issue.specific
    admin = demo.users.get("admin@treffpunkt.example")
    _english(index, issue, admin)

    if not Mailing.objects.filter(translation_key=issue.translation_key).exists():
        from . import delivery

        # No mail server in the demo: keep the mails in memory, record the deliveries.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mailing = delivery.start_mailing(issue, demo.users.get("integration@beckum.example"))
            Mailing.objects.filter(pk=mailing.pk).update(watchdog_at=None)
            delivery.drain(mailing.pk, timeout=60)


def _body(home) -> list:
    body = [("heading", "Aus dem Netzwerk"), ("text", TEXT)]
    body.append(("upcoming_events", {"title": "Nächste Termine", "action_field": None, "limit": 5}))
    try:
        from networks.models import WorkingGroupPage
    except ImportError:  # networks is a core app; this guards a trimmed deployment
        WorkingGroupPage = None
    group = (
        WorkingGroupPage.objects.descendant_of(home).live().first() if WorkingGroupPage else None
    )
    if group is not None:
        body.append(
            (
                "working_group_news",
                {"group": group, "title": "Aus der Arbeitsgruppe", "text": NEWS},
            )
        )
    body.append(
        (
            "call_to_action",
            {
                "title": "Newsletter weiterempfehlen",
                "text": "Kennen Sie jemanden, den das interessiert? Anmelden geht ohne Konto, in fünf Sprachen.",
                "button_label": "Zur Anmeldung",
                "page": None,
                "url": "http://localhost:8000/newsletter/",
            },
        )
    )
    return body


def _english(index, issue, admin) -> None:
    """The English edition through wagtail-localize, so editors can go on translating it."""
    from treffpunkt.demo import _translate_page

    english = Locale.objects.get(language_code="en")
    if NewsletterPage.objects.filter(
        translation_key=issue.translation_key, locale=english, alias_of__isnull=True
    ).exists():
        return
    if not index.get_translations().filter(locale=english).exists():
        copy = index.copy_for_translation(english, copy_parents=True)
        copy.save_revision().publish()
    _translate_page(issue, "en", EN, admin)
