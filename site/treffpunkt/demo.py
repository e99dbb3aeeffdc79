"""Demo content: two towns (Beckum and Borken) built from the facts of the seed documents.

``manage.py load_demo`` calls :func:`load`. It is idempotent: run it again and it finds
what it made before (by slug, email or name) instead of making it twice. After the core,
every app and plugin with a ``demo`` module gets its turn: ``<app>.demo.load(demo)``
receives the :class:`Demo` with the sites, home pages and people made here.
The people are invented; organisations and facts are the towns' own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Locale, Page, Site

from treffpunkt.accounts.roles import ensure_roles, make_manager, make_network_member
from treffpunkt.core.models import (
    ContentPage,
    HomePage,
    NavigationItem,
    NavigationSettings,
    SiteConfiguration,
)

DEMO_PASSWORD = "treffpunkt-demo"  # noqa: S105 - the demo password the README names
ADMIN_EMAIL = "admin@treffpunkt.example"


@dataclass
class Demo:
    beckum: Site
    borken: Site
    beckum_home: HomePage
    borken_home: HomePage
    users: dict[str, object] = field(default_factory=dict)

    def add_to_menu(self, site: Site, page: Page, sort_order: int, label: str = "") -> None:
        """Put a page into a site's main menu once (apps call this for their index pages)."""
        navigation = NavigationSettings.for_site(site)
        if not navigation.items.filter(page=page).exists():
            NavigationItem.objects.create(
                navigation=navigation, page=page, sort_order=sort_order, label=label
            )


# (email, first name, last name, role, preferred language, towns) — invented people.
# Roles are per town: each town's integration manager manages that town only; Thomas is a
# network member in both towns.
PEOPLE = [
    (ADMIN_EMAIL, "Demo", "Admin", "superuser", "de", ()),
    ("integration@beckum.example", "Miriam", "Adler", "manager", "de", ("beckum",)),
    ("integration@borken.example", "Jonas", "Hegemann", "manager", "de", ("borken",)),
    ("amal.haddad@example.org", "Amal", "Haddad", "member", "ar", ("beckum",)),
    ("petra.wessel@example.org", "Petra", "Wessel", "member", "de", ("beckum",)),
    ("olena.koval@example.org", "Olena", "Koval", "member", "uk", ("beckum",)),
    ("mehmet.yilmaz@example.org", "Mehmet", "Yılmaz", "member", "tr", ("beckum",)),
    ("thomas.brinkmann@example.org", "Thomas", "Brinkmann", "member", "de", ("beckum", "borken")),
]


def _people() -> dict[str, object]:
    User = get_user_model()
    people = {}
    for email, first, last, role, language, _towns in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "preferred_language": language},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = role == "superuser"
        user.save()
        _verify_email(user)
        people[email] = user
    return people


def _give_roles(people: dict[str, object], sites: dict[str, Site]) -> None:
    """Each person's role in the towns they belong to (see :data:`PEOPLE`)."""
    for email, _first, _last, role, _language, towns in PEOPLE:
        for town in towns:
            if role == "manager":
                make_manager(people[email], sites[town])
            elif role == "member":
                make_network_member(people[email], sites[town])


def _verify_email(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _locales() -> dict[str, Locale]:
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    return locales


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """The child page with this slug, made and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    _publish(page)
    return page


BECKUM_HOME = {
    "title": "Netzwerk Integration Beckum",
    "hero_title": "Willkommen beim Netzwerk Integration Beckum",
    "hero_text": (
        "Rund 8.000 Beckumerinnen und Beckumer haben eine Zuwanderungsgeschichte – fast jede "
        "und jeder Fünfte. Verbände, Vereine, Migrantenorganisationen, Schulen und die Stadt "
        "arbeiten hier zusammen, damit alle gut in Beckum ankommen und zusammenleben."
    ),
    "body": [
        ("heading", "Was wir tun"),
        (
            "text",
            (
                "<p>Im Netzwerk Integration treffen sich regelmäßig die Akteurinnen und Akteure der "
                "Beckumer Integrationsarbeit. Seit 2022 koordiniert das Integrationsmanagement der "
                "Stadt die Zusammenarbeit. Aktuelle Schwerpunkte sind die Handlungsfelder "
                "<b>Sprache</b>, <b>Leben und Freizeit</b> sowie <b>Wohnen</b>.</p>"
                "<p>Zwei Arbeitsgruppen arbeiten an konkreten Verbesserungen: "
                "„Kontakt mit (städtischen) Behörden“ und „Zusammenleben in der Freizeit“.</p>"
            ),
        ),
        (
            "call_to_action",
            {
                "title": "Mitmachen",
                "text": "Ob Verein, Initiative oder Ehrenamt: Wir freuen uns über alle, die sich für ein gutes Zusammenleben in Beckum einsetzen.",
                "button_label": "Zum Netzwerk",
                "page": None,
                "url": "",
            },
        ),
    ],
}
# the home page's text paragraphs as wagtail-localize segments them (one per <p>)
BECKUM_HOME_PARAGRAPHS = [
    "Im Netzwerk Integration treffen sich regelmäßig die Akteurinnen und Akteure der Beckumer "
    "Integrationsarbeit. Seit 2022 koordiniert das Integrationsmanagement der Stadt die "
    "Zusammenarbeit. Aktuelle Schwerpunkte sind die Handlungsfelder <b>Sprache</b>, "
    "<b>Leben und Freizeit</b> sowie <b>Wohnen</b>.",
    "Zwei Arbeitsgruppen arbeiten an konkreten Verbesserungen: „Kontakt mit (städtischen) "
    "Behörden“ und „Zusammenleben in der Freizeit“.",
]
BECKUM_HOME_TRANSLATIONS = {
    "en": {
        "Netzwerk Integration Beckum": "Beckum Integration Network",
        "Willkommen beim Netzwerk Integration Beckum": "Welcome to the Beckum Integration Network",
        BECKUM_HOME["hero_text"]: (
            "About 8,000 people in Beckum have a history of migration – almost one in five. "
            "Associations, clubs, migrant organisations, schools and the town work together here "
            "so that everyone can arrive well and live together in Beckum."
        ),
        "Was wir tun": "What we do",
        "Mitmachen": "Get involved",
        "Ob Verein, Initiative oder Ehrenamt: Wir freuen uns über alle, die sich für ein gutes Zusammenleben in Beckum einsetzen.": (
            "Whether you are an association, an initiative or a volunteer: everyone who works for "
            "living well together in Beckum is welcome."
        ),
        "Zum Netzwerk": "About the network",
    },
    "ar": {
        "Netzwerk Integration Beckum": "شبكة الاندماج في بيكوم",
        "Willkommen beim Netzwerk Integration Beckum": "مرحبًا بكم في شبكة الاندماج في بيكوم",
        BECKUM_HOME["hero_text"]: (
            "يعيش في بيكوم حوالي 8000 شخص لديهم تاريخ هجرة، أي ما يقارب واحدًا من كل خمسة. "
            "تعمل الجمعيات والنوادي ومنظمات المهاجرين والمدارس والمدينة معًا هنا، "
            "لكي يصل الجميع بشكل جيد ويعيشوا معًا في بيكوم."
        ),
        "Was wir tun": "ماذا نفعل",
        "Mitmachen": "شارك معنا",
        "Ob Verein, Initiative oder Ehrenamt: Wir freuen uns über alle, die sich für ein gutes Zusammenleben in Beckum einsetzen.": (
            "سواء كنت جمعية أو مبادرة أو متطوعًا: نرحب بكل من يعمل من أجل عيش مشترك جيد في بيكوم."
        ),
        "Zum Netzwerk": "عن الشبكة",
    },
    # Easy-to-read German (Leichte Sprache): short sentences, one idea per line (<br>)
    settings.EASY_READ_LANGUAGE: {
        "Netzwerk Integration Beckum": "Das Netzwerk Integration in Beckum",
        "Willkommen beim Netzwerk Integration Beckum": "Willkommen!",
        BECKUM_HOME["hero_text"]: (
            "In Beckum leben viele Menschen aus anderen Ländern.<br>"
            "Viele Gruppen helfen diesen Menschen.<br>"
            "Zum Beispiel: Vereine, Schulen und die Stadt.<br>"
            "Alle arbeiten zusammen.<br>"
            "Damit alle gut in Beckum leben können."
        ),
        "Was wir tun": "Das machen wir",
        BECKUM_HOME_PARAGRAPHS[0]: (
            "Im Netzwerk treffen sich viele Menschen.<br>"
            "Sie arbeiten für Integration in Beckum.<br>"
            "Integration heißt: Alle Menschen gehören dazu.<br>"
            "Die Stadt Beckum leitet das Netzwerk.<br>"
            "Wichtige Themen sind gerade:<br>"
            "<b>Deutsch lernen</b>, <b>Freizeit</b> und <b>Wohnen</b>."
        ),
        BECKUM_HOME_PARAGRAPHS[1]: (
            "Es gibt 2 Arbeits-Gruppen.<br>"
            "Eine Gruppe hilft beim Kontakt mit Ämtern.<br>"
            "Die andere Gruppe plant Freizeit zusammen."
        ),
        "Mitmachen": "Machen Sie mit!",
        "Ob Verein, Initiative oder Ehrenamt: Wir freuen uns über alle, die sich für ein gutes Zusammenleben in Beckum einsetzen.": (
            "Sie wollen helfen?<br>"
            "Sie sind in einem Verein?<br>"
            "Dann kommen Sie zu uns.<br>"
            "Wir freuen uns auf Sie."
        ),
        "Zum Netzwerk": "Mehr über das Netzwerk",
    },
}

BORKEN_HOME = {
    "title": "Zusammenleben in Borken",
    "hero_title": "Zusammenleben in Borken",
    "hero_text": (
        "Das Integrationskonzept „Zusammenleben in Borken“ beschreibt, wie Geflüchtete und "
        "Menschen mit Migrationshintergrund in die Regelsysteme unserer Stadtgesellschaft "
        "finden – nach dem Grundsatz „Fördern und Fordern“."
    ),
    "body": [
        ("heading", "Unsere Handlungsfelder"),
        (
            "text",
            (
                "<p>Sprache und Spracherwerb, Wohnen, Bildung, Arbeit und Beschäftigung sowie Sport, "
                "Kultur und Freizeit: Für jedes Handlungsfeld formuliert das Konzept einen Leitsatz "
                "und konkrete Maßnahmen mit Zielen, Zielgruppen und Beteiligten.</p>"
                "<p>Das Haus der Begegnung ist Ankommenstreffpunkt für alle Einwohnerinnen und "
                "Einwohner der Stadt Borken.</p>"
            ),
        ),
    ],
}


def _stream(items):
    return [(kind, value) for kind, value in items]


def _home(site_root_parent: Page, slug: str, data: dict) -> HomePage:
    home = site_root_parent.get_children().filter(slug=slug).first()
    if home is not None:
        return home.specific
    home = HomePage(
        title=data["title"],
        slug=slug,
        hero_title=data["hero_title"],
        hero_text=data["hero_text"],
        body=_stream(data["body"]),
    )
    site_root_parent.add_child(instance=home)
    _publish(home)
    return home


def _legal_pages(home: HomePage, town: str) -> tuple[Page, Page]:
    imprint = _child(
        home,
        ContentPage,
        "impressum",
        title="Impressum",
        intro=f"Angaben gemäß § 5 DDG für die Website des Netzwerks Integration {town}.",
        body=[
            (
                "text",
                (
                    f"<p>Herausgeberin: Stadt {town}, Integrationsmanagement (Demo-Angaben).</p>"
                    "<p>Verantwortlich für den Inhalt: das Integrationsmanagement der Stadt. "
                    "Diese Demo-Seite enthält erfundene Personen; Organisationen und Fakten stammen aus "
                    "den veröffentlichten Integrationskonzepten der Stadt.</p>"
                ),
            )
        ],
    )
    privacy = _child(
        home,
        ContentPage,
        "datenschutz",
        title="Datenschutz",
        intro="Wie wir mit Ihren Daten umgehen.",
        body=[
            (
                "text",
                (
                    "<p>Diese Website lädt keine Inhalte von Dritten: Schriften, Bilder und Skripte "
                    "kommen von unserem eigenen Server. Es gibt keine Tracking-Werkzeuge.</p>"
                    "<p>Wenn Sie sich für eine Veranstaltung anmelden, speichern wir nur, was Sie angeben, "
                    "und löschen die Anmeldedaten automatisch einige Zeit nach der Veranstaltung. "
                    "Ein Konto können Sie jederzeit selbst löschen.</p>"
                ),
            )
        ],
    )
    return imprint, privacy


def _site(hostname: str, port: int, root: Page, name: str, default: bool) -> Site:
    site = Site.objects.filter(hostname=hostname).first()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=root, site_name=name, is_default_site=default
        )
    else:
        site.root_page, site.site_name, site.is_default_site = root, name, default
        site.port = port
        site.save()
    return site


def translate_page(page: Page, language: str, strings: dict[str, str], user) -> None:
    """Translate a page with wagtail-localize, so editors keep translating it there.

    ``strings`` maps the page's source segments (plain text, or rich text with its inline
    tags) to their translation; a segment without one keeps the source text. Apps' demos
    use it from their ``load_translations(demo)``."""
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationSource,
    )

    locale = Locale.objects.get(language_code=language)
    source, created = TranslationSource.get_or_create_from_instance(page)
    if not created:
        source.update_from_db()  # the page may have changed since it was last translated
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={
                    "data": text,
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                },
            )
    translation.save_target(user=user, publish=True)


_translate_page = translate_page  # the name apps' demos imported first


def _sync_locales(locales: dict[str, Locale]) -> None:
    """Every page exists in every language (as an alias until someone translates it)."""
    from wagtail_localize.models import LocaleSynchronization as Sync
    from wagtail_localize.synctree import synchronize_tree

    source = locales[settings.LANGUAGE_CODE]
    for code, locale in locales.items():
        if code == settings.LANGUAGE_CODE:
            continue
        Sync.objects.get_or_create(locale=locale, defaults={"sync_from": source})
        synchronize_tree(source, locale)


@transaction.atomic
def load_core(port: int = 80) -> Demo:
    ensure_roles()
    _locales()
    people = _people()
    root = Page.get_first_root_node()

    beckum_home = _home(root, "beckum", BECKUM_HOME)
    borken_home = _home(root, "borken", BORKEN_HOME)
    # Wagtail's initial "Welcome" page is replaced by the towns' home pages.
    Site.objects.filter(root_page__slug="home", root_page__depth=2).delete()
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    # the port the demo is served on: links in mails (confirmations, newsletters) need it
    beckum = _site("localhost", port, beckum_home, "Netzwerk Integration Beckum", True)
    borken = _site("borken.localhost", port, borken_home, "Zusammenleben in Borken", False)

    for site, home, town, theme, email, tagline in [
        (
            beckum,
            beckum_home,
            "Beckum",
            "neutral",
            "integration@beckum.example",
            "Netzwerk Integration",
        ),
        (
            borken,
            borken_home,
            "Borken",
            "borken",
            "integration@borken.example",
            "Integration und Begegnung",
        ),
    ]:
        imprint, privacy = _legal_pages(home, town)
        config = SiteConfiguration.for_site(site)
        config.town_name, config.theme, config.tagline = town, theme, tagline
        config.imprint_page, config.privacy_page, config.contact_email = imprint, privacy, email
        config.footer_text = f"<p>Ein Angebot des Integrationsmanagements der Stadt {town}.</p>"
        config.contact_lines = DEMO_CONTACT_LINES[town]
        config.save()
        _translate_site_texts(config, town)
        NavigationSettings.for_site(site).save()

    _give_roles(people, {"beckum": beckum, "borken": borken})
    demo = Demo(beckum, borken, beckum_home, borken_home, people)
    demo.add_to_menu(beckum, beckum_home, 0, label="")
    demo.add_to_menu(borken, borken_home, 0, label="")
    return demo


def load_translations(demo: Demo) -> None:
    locales = _locales()
    _sync_locales(locales)
    admin = demo.users[ADMIN_EMAIL]
    for language, strings in BECKUM_HOME_TRANSLATIONS.items():
        translate_page(demo.beckum_home, language, strings, admin)


def _link_call_to_action(home: HomePage, slug: str) -> None:
    """Point the home page's call to action at a page that an app made (once it exists)."""
    target = home.get_children().filter(slug=slug).first()
    home = HomePage.objects.get(pk=home.pk)
    if target is None:
        return
    changed = False
    for block in home.body:
        if block.block_type == "call_to_action" and block.value["page"] is None:
            block.value["page"] = target
            changed = True
    if changed:
        _publish(home)


def load(port: int = 80) -> Demo:
    demo = load_core(port)
    demo_modules = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith(("treffpunkt", "django", "wagtail", "allauth")):
            continue
        module_name = f"{app_config.name}.demo"
        if find_spec(module_name) is not None:
            module = import_module(module_name)
            demo_modules.append(module)
            with transaction.atomic():
                module.load(demo)
    with transaction.atomic():
        _link_call_to_action(demo.beckum_home, "netzwerk")
    # Last, so that the pages of every app get their aliases in every language.
    with transaction.atomic():
        load_translations(demo)
    # then each app's translations of its own pages (an app demo's load_translations)
    for module in demo_modules:
        if hasattr(module, "load_translations"):
            with transaction.atomic():
                module.load_translations(demo)
    return demo


# Contact lines of the demo towns (the phone numbers are invented).
DEMO_CONTACT_LINES = {
    "Beckum": "Integrationsmanagement, Rathaus\nWeststraße 46, 59269 Beckum\nTelefon 02521 100 203",
    "Borken": "Integrationsmanagement, Rathaus\nIm Piepershagen 17, 46325 Borken\nTelefon 02861 100 204",
}

# The site texts in the other languages: tagline, footer text, the contact lines' first and
# last line ({town} and the phone number are filled in; the address stays as it is).
DEMO_SITE_TEXTS = {
    "en": (
        "Integration network",
        "A service of the integration management of the town of {town}.",
        "Integration management, town hall",
        "Phone",
    ),
    "ar": (
        "شبكة الاندماج",
        "خدمة من إدارة الاندماج في مدينة {town}.",
        "إدارة الاندماج، دار البلدية",
        "الهاتف",
    ),
    "uk": (
        "Мережа інтеграції",
        "Сервіс управління з питань інтеграції міста {town}.",
        "Управління з питань інтеграції, ратуша",
        "Телефон",
    ),
    "tr": (
        "Entegrasyon ağı",
        "{town} Belediyesi entegrasyon yönetiminin bir hizmetidir.",
        "Entegrasyon yönetimi, belediye binası",
        "Telefon",
    ),
}

DEMO_BORKEN_TAGLINES = {
    "en": "Integration and encounter",
    "ar": "الاندماج واللقاء",
    "uk": "Інтеграція та зустрічі",
    "tr": "Entegrasyon ve buluşma",
}


def _translate_site_texts(config, town: str) -> None:
    from treffpunkt.core.models import SiteTextTranslation

    office, address, phone = DEMO_CONTACT_LINES[town].split("\n")
    number = phone.split(" ", 1)[1]
    for language, (tagline, footer, office_text, phone_word) in DEMO_SITE_TEXTS.items():
        if town == "Borken":
            tagline = DEMO_BORKEN_TAGLINES[language]
        SiteTextTranslation.objects.update_or_create(
            configuration=config,
            language=language,
            defaults={
                "tagline": tagline,
                "footer_text": f"<p>{footer.format(town=town)}</p>",
                "contact_lines": f"{office_text}\n{address}\n{phone_word} {number}",
            },
        )
