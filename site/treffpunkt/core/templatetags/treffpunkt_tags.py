"""Template tags every Treffpunkt template has without loading them (see TEMPLATES builtins)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from wagtail.models import Locale, Page, Site

from treffpunkt.core.requestmemo import memoized
from treffpunkt.themes import get_active_theme

register = template.Library()


@register.simple_tag(takes_context=True)
def userbar(context) -> str:
    """Wagtail's user bar, for people who may open the admin. Whether they may is read with
    their other rights in one query kept on the user (``roles.admin_and_page_rights``, which
    event pages ask too), not by loading every permission they hold, as Wagtail's own tag
    does for each signed-in member's page (two queries)."""
    from treffpunkt.accounts import roles

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not roles.admin_and_page_rights(user)[0]:
        return ""
    from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

    return wagtailuserbar(context)


@register.simple_tag
def theme_static(path: str) -> str:
    """The theme's version of a static file if it has one, else the core's."""
    theme = get_active_theme()
    if (theme.static_dir / "themes" / theme.slug / path).is_file():
        return static(f"themes/{theme.slug}/{path}")
    return static(path)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per offered language that keeps the visitor on the same page.

    For a Wagtail page the link goes to its translation (or alias) in that language;
    elsewhere Django translates the URL's language prefix.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    current = get_language()
    # the header, the language suggestion and the hreflang links ask for the same list
    page_key = page.pk if isinstance(page, Page) else None
    return memoized(
        ("language_links", page_key, current, request.get_full_path()),
        lambda: _language_links(request, page, current),
    )


def _language_links(request, page, current: str) -> list[dict]:
    by_language: dict[str, str] = {}
    if isinstance(page, Page) and page.pk:
        # A routable page's sub-page (an organisation, a measure, a group's private space)
        # keeps its path below the page in every language.
        remainder, query = "", request.GET.urlencode()
        page_url = page.get_url(request=request)
        if page_url and request.path.startswith(page_url):
            remainder = request.path[len(page_url) :]
        for code, url in _translation_urls(request, page):
            url += remainder
            by_language[code] = f"{url}?{query}" if query else url
    from treffpunkt.core.languages import html_language

    links = []
    for code, name in settings.LANGUAGES:
        url = by_language.get(code) or translate_url(request.get_full_path(), code)
        links.append(
            {
                "code": code,
                "name": name,
                # the name's own language ("Leichte Sprache" is German: lang="de")
                "lang": html_language(code),
                "url": url,
                "current": code == current,
                "dir": "rtl" if code in settings.RTL_LANGUAGES else "ltr",
            }
        )
    return links


def _translation_urls(request, page) -> list[tuple[str, str]]:
    """(language, address) of each live translation of ``page`` on the request's site: the
    same for every visitor, kept with the chrome (renewed when a page is published)."""
    from treffpunkt.core import chrome

    def compute() -> list[tuple[str, str]]:
        translations = (
            Page.objects.live()
            .filter(translation_key=page.translation_key)
            .select_related("locale")
        )
        found = []
        for other in translations:
            url = other.get_url(request=request)
            if url:
                found.append((other.locale.language_code, url))
        return found

    site = Site.find_for_request(request)
    return chrome.cached("translations", site, "", compute, page.translation_key)


def _site_path(url: str, site) -> str:
    """The path of ``url`` if it points into ``site`` (relative, or the site's own host),
    else "" (another site's or the world's address)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.netloc or parts.hostname == site.hostname:
        return parts.path
    return ""


@register.simple_tag(takes_context=True)
def language_suggestions(context) -> dict:
    """For each other offered language, the one-line suggestion to read this page in it,
    written in that language. All are in the page (it stays the same for everyone, and so
    cacheable); the browser shows at most the one its visitor prefers
    (``js/language-suggestion.js``) until a choice is made."""
    from urllib.parse import quote

    from django.urls import reverse

    from treffpunkt.core.languages import is_easy_read
    from treffpunkt.core.localize import language_name

    request = context.get("request")
    if request is None:
        return {}
    current = get_language()
    here = quote(request.get_full_path(), safe="/")
    suggestions = []
    for link in language_links(context):
        code = link["code"]
        if code == current:
            continue
        with translation.override(code):
            if is_easy_read(code):
                text = gettext("Show this page in easy-to-read German")
            else:
                text = gettext("Show this page in %(language)s") % {
                    "language": language_name(code, code)
                }
            decline = gettext("No, thanks")
        suggestions.append(
            {
                "code": code,
                "lang": link["lang"],
                "dir": link["dir"],
                "text": text,
                "decline": decline,
                "url": f"{reverse('choose_language', args=[code])}?next={quote(link['url'], safe='/')}",
                "stay_url": f"{reverse('choose_language', args=[current])}?next={here}",
            }
        )
    return {"cookie": settings.LANGUAGE_COOKIE_NAME, "lines": suggestions}


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The editors' menu for this site, with page titles in the visitor's language.

    The items are the same for every visitor of the site in a language: they are kept with
    the chrome (treffpunkt.core.chrome); only the mark of the current page is per request."""
    from treffpunkt.core import chrome

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    items = chrome.cached("menu", site, get_language(), lambda: _menu_items(request, site))
    current_path = request.path
    return [
        {
            **item,
            "active": bool(item["url"])
            and (
                item["url"] == current_path
                or (
                    item["url"] != "/"
                    and current_path.startswith(item["url"])
                    and len(item["url"]) > 4
                )
            ),
        }
        for item in items
    ]


def _menu_items(request, site) -> list[dict]:
    from treffpunkt.core.models import NavigationSettings
    from treffpunkt.plugins import registry

    navigation = NavigationSettings.for_request(request)
    # A plugin switched off takes its menu items along (its pages and URLs answer 404).
    items = [
        item
        for item in navigation.items.select_related("page")
        if not (item.page and registry.page_type_is_off(item.page, site))
        and not (item.url and registry.path_is_off(_site_path(item.url, site), site))
    ]
    locale = Locale.get_active()
    # One query for all translations of the linked pages in the visitor's language.
    keys = [item.page.translation_key for item in items if item.page]
    localized = {
        p.translation_key: p
        for p in Page.objects.live().filter(translation_key__in=keys, locale=locale)
    }
    menu = []
    for item in items:
        if item.page:
            page = localized.get(item.page.translation_key, item.page)
            url = page.get_url(request=request)
            if item.page.depth == 2 and not item.label:
                label = gettext("Home")  # a site's root page: its title is the site's name
            elif item.label and page.locale_id == item.page.locale_id:
                label = item.label
            else:
                label = page.title
        else:
            url, label = item.url, item.label or item.url
        if url:
            menu.append({"url": url, "label": str(label)})
    return menu


@register.simple_tag(takes_context=True)
def localized_page(context, page):
    """The page's translation in the visitor's language, or the page itself."""
    if page is None:
        return None
    return page.localized


@register.simple_tag(takes_context=True)
def legal_links(context) -> dict:
    """Addresses of the site's imprint and privacy pages in the visitor's language (the
    footer's legal links), kept with the chrome."""
    from treffpunkt.core import chrome

    request = context.get("request")
    configuration = context.get("site_configuration")
    site = Site.find_for_request(request) if request is not None else None
    if configuration is None:
        return {}

    def compute() -> dict:
        found = {}
        for name in ("imprint", "privacy"):
            page = getattr(configuration, f"{name}_page", None)
            if page is not None:
                found[name] = page.localized.get_url(request=request) or ""
        return found

    return chrome.cached("legal", site, get_language(), compute)


def content_source_language(context) -> str | None:
    """The language a page's content is shown in when it is not yet translated into the
    visitor's language (a wagtail-localize alias shows its source's text), else None."""
    page = context.get("page")
    if not isinstance(page, Page) or not page.alias_of_id:
        return None
    request = context.get("request")
    memo = getattr(request, "_treffpunkt_source_language", None) if request else None
    if memo is not None and page.pk in memo:
        source_language = memo[page.pk]
    else:
        from treffpunkt.core import chrome

        def read() -> str | None:
            return (
                Page.objects.filter(pk=page.alias_of_id)
                .values_list("locale__language_code", flat=True)
                .first()
            )

        # kept with the chrome: a page's locale changes only with a page saved or moved
        site = Site.find_for_request(request) if request is not None else None
        source_language = chrome.cached("source-language", site, "", read, page.alias_of_id)
        if request is not None:
            request._treffpunkt_source_language = {**(memo or {}), page.pk: source_language}
    if not source_language or source_language == get_language():
        return None
    return source_language


@register.simple_tag(takes_context=True)
def content_language_attrs(context) -> str:
    """``lang``/``dir`` for an element holding the page's own content (title, introduction,
    body) when that content is not yet translated, so that screen readers pronounce it in
    its language and it runs in its direction. The interface around it (menus, labels,
    forms) stays in the visitor's language and direction."""
    source_language = content_source_language(context)
    if not source_language:
        return ""
    direction = "rtl" if source_language in settings.RTL_LANGUAGES else "ltr"
    return format_html(' lang="{}" dir="{}"', source_language, direction)


@register.simple_tag(takes_context=True)
def plugin_content(context, slot: str) -> str:
    """What plugins add to a slot of a core page (see treffpunkt.plugins.templates)."""
    from treffpunkt.plugins.templates import render_slot

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return ""
    return render_slot(slot, context, site)


def _display_title(page: Page) -> str:
    return page.seo_title or page.title


def _telling_detail(page: Page) -> str:
    """What tells a page from a sibling of the same title: an event's date in the visitor's
    language, else its address's last part (unique among siblings)."""
    from treffpunkt.core.localize import format_datetime

    start = getattr(page.specific, "start", None)
    if start is not None:
        return format_datetime(start, "medium")
    return page.slug


def _distinct_title(page: Page, title: str) -> str:
    """``title`` with what tells the page apart from others of that title on its site."""
    from django.db.models import Q

    same = Q(seo_title=title) | (Q(seo_title="") & Q(title=title))
    root_path = page.path[: Page.steplen * 2]
    siblings = Page.objects.live().filter(same, path__startswith=root_path)
    if not siblings.exclude(pk=page.pk).exists():
        return title
    ancestors = Page.objects.ancestor_of(page).filter(depth__gt=2).order_by("-depth")
    section = next((a for a in ancestors if _display_title(a) != title), None)
    if section is not None:
        label = _display_title(section)
    else:
        label = str(page.specific_class._meta.verbose_name) if page.specific_class else ""
    if label:
        title = f"{title} – {label}"
    parent_path = page.path[: -Page.steplen]
    twins = siblings.exclude(pk=page.pk).filter(depth=page.depth, path__startswith=parent_path)
    if twins.exists():  # the same title beside it: the section cannot tell them apart
        title = f"{title} – {_telling_detail(page)}"
    return title


@register.simple_tag(takes_context=True)
def page_title(context, title: str = "") -> str:
    """The page's title for ``<title>``: unique on its site and telling.

    A page that shares its title with another page of the site in its language gets its
    section (the nearest page above it with another title, else its kind: "Zusammenleben in
    Borken – network page" beside the home page of that name). A page shown in another
    language because it is not yet translated says so ("Impressum (in German)"), so that
    its title is not the German page's and a reader knows what follows.

    A sub-page of a routable page names its own ``title`` (an organisation's name): only
    the language is added when the page's text is not yet translated.
    """
    page = context.get("page")
    if not isinstance(page, Page):
        return title
    own_title = not title
    if own_title:
        title = _display_title(page)
    if own_title and page.depth > 2:
        # the same for every visitor until a page is published, moved or unpublished (which
        # renews the chrome): one query a render before
        from treffpunkt.core import chrome
        from treffpunkt.core.sites import site_of_page

        shown = title
        title = chrome.cached(
            "page-title",
            site_of_page(page, context.get("request")),
            get_language(),
            lambda: _distinct_title(page, shown),
            page.pk,
            hashlib.sha256(shown.encode()).hexdigest()[:16],
        )
    source_language = content_source_language(context)
    if source_language:
        from treffpunkt.core.localize import language_name

        title = gettext("%(title)s (in %(language)s)") % {
            "title": title,
            "language": language_name(source_language, get_language()),
        }
    return title


@register.inclusion_tag("includes/untranslated_note.html", takes_context=True)
def untranslated_note(context) -> dict:
    """A one-line note in the visitor's language that the page's text is shown in another
    language, with a link for editors to translate it."""
    from treffpunkt.core.localize import language_name

    source_language = content_source_language(context)
    if not source_language:
        return {"show": False}
    visitor_language = get_language()
    page = context["page"]
    request = context.get("request")
    user = getattr(request, "user", None)
    edit_url = ""
    is_staff = user is not None and user.is_authenticated and user.is_staff
    if is_staff and page.permissions_for_user(user).can_edit():
        from django.urls import reverse

        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    from treffpunkt.core.languages import is_easy_read

    return {
        "show": True,
        # "not yet in easy-to-read German" has its own sentence (German grammar, short)
        "easy_read": is_easy_read(visitor_language),
        "visitor_language": language_name(visitor_language, visitor_language),
        "source_language": language_name(source_language, visitor_language),
        "source_code": source_language,
        "edit_url": edit_url,
    }


@register.simple_tag(takes_context=True)
def hreflang_alternates(context) -> list[dict]:
    """``<link rel="alternate" hreflang>`` targets: the same page in every language, as
    absolute addresses, plus ``x-default`` for the site's default language."""
    request = context.get("request")
    if request is None:
        return []
    alternates = []
    for link in language_links(context):
        url = request.build_absolute_uri(link["url"])
        alternates.append({"code": link["code"], "url": url})
        if link["code"] == settings.LANGUAGE_CODE:
            alternates.append({"code": "x-default", "url": url})
    return alternates


@register.filter
def messages_except(messages, tag: str) -> list:
    """The messages without those carrying ``tag`` in their extra tags (shown elsewhere)."""
    return [m for m in messages or () if tag not in (getattr(m, "extra_tags", "") or "").split()]


@register.filter(is_safe=True)
def ltr(value) -> str:
    """Isolates a phone number, e-mail address, URL or code so it reads left to right as
    typed, also inside right-to-left text ("02521 100 203" never becomes "203 100 02521")."""
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def cldr_date(value, fmt: str = "full") -> str:
    """A date in the visitor's language by CLDR (see treffpunkt.core.localize)."""
    from treffpunkt.core.localize import format_date

    return format_date(value, fmt)


@register.filter
def cldr_time(value) -> str:
    from treffpunkt.core.localize import format_time

    return format_time(value)


@register.filter
def cldr_datetime(value, fmt: str = "full") -> str:
    from treffpunkt.core.localize import format_datetime

    return format_datetime(value, fmt)


@register.filter
def cldr_number(value) -> str:
    from treffpunkt.core.localize import format_number

    return format_number(value)


@register.simple_tag(takes_context=True)
def form_error_title(context) -> str:
    """ "Error: " before the page title when a form on the page has errors, so that the
    first thing a screen reader says after sending is that something needs correcting."""
    from django.forms import BaseForm

    for layer in context.dicts:
        for value in layer.values() if isinstance(layer, dict) else ():
            # type(), not isinstance(): that would make every lazy value of the context (the
            # user, the CSRF token, the messages) be worked out just to be told apart
            if issubclass(type(value), BaseForm) and value.is_bound and value.errors:
                return gettext("Error: ")
    return ""


@register.inclusion_tag("includes/map_links.html")
def map_links(*parts) -> dict:
    """Links to an address on OpenStreetMap and to a route planner there: nothing is
    embedded or loaded from elsewhere; the visitor decides to follow them."""
    from urllib.parse import urlencode

    address = ", ".join(str(part).strip() for part in parts if part and str(part).strip())
    if not address:
        return {"address": ""}
    return {
        "address": address,
        "map_url": "https://www.openstreetmap.org/search?" + urlencode({"query": address}),
        "route_url": "https://www.openstreetmap.org/directions?" + urlencode({"to": address}),
    }


#: stands in the kept HTML for the request's CSP nonce (filled in again on every answer)
NONCE_MARK = "\x00nonce\x00"


@register.tag("kept_chrome")
def do_kept_chrome(parser, token):
    """``{% kept_chrome "part" [per_path|per_address|page] %}…{% endkept_chrome %}``: the HTML of a
    part of the chrome, rendered once per site, language and chrome generation and kept with
    the chrome (:func:`treffpunkt.core.chrome.cached`).

    What the block shows must be the same for every visitor: no ``user``, no form, no
    message. ``per_path`` keeps one copy per address path (the menu's mark of the current
    page); ``per_address`` one per page, path and host, and none for an address with a query
    string (the language links keep the query); both only on a page's own addresses, and
    never on one that carries a personal token (a sign-up's result page). ``page`` is a part
    of the page's own content, kept as ``per_address`` when the processes share the cache
    (:func:`kept_html`). The CSP
    nonce is filled in per answer. A block that renders a CSRF token, and every block of an
    editor's preview, is rendered every time."""
    bits = token.split_contents()
    keys = ("per_path", "per_address", "page")
    if len(bits) not in (2, 3) or (len(bits) == 3 and bits[2] not in keys):
        raise template.TemplateSyntaxError(
            '{% kept_chrome "part" [per_path|per_address|page] %} takes a part and an optional key'
        )
    part = bits[1].strip("\"'")
    nodelist = parser.parse(("endkept_chrome",))
    parser.delete_first_token()
    return KeptChromeNode(part, bits[2] if len(bits) == 3 else "", nodelist)


def _site_host(request, site) -> str | None:
    """The host the visitor asked for, written one way (lower case, no trailing dot), when
    it is the site's own name (and the port the site or this server has), else None: other
    names, ports and spellings that the allowed hosts let through (``.localhost``, any port,
    ``LocalHost.``) would each keep a copy of every page."""
    from django.http.request import split_domain_port

    domain, port = split_domain_port(request.get_host())
    if site is None or domain != site.hostname.lower():
        return None
    if port and port not in (str(site.port), str(request.META.get("SERVER_PORT", ""))):
        return None
    return f"{domain}:{port}"


def _kept_key(request, page, per: str) -> tuple | None:
    """The key parts beyond site and language, or None when this answer is not kept."""
    if request is None or getattr(request, "is_preview", False):
        return None
    if not per:
        return ()
    if not isinstance(page, Page) or page.pk is None:
        return None  # an error page or a view of its own: addresses without bound
    resolved = getattr(request, "resolver_match", None)
    if resolved is None or resolved.url_name != "wagtail_serve":
        # a view of its own that shows a page (a ticket's check-in, a registration
        # list): its address may carry any value, and each would be kept
        return None
    match = getattr(request, "routable_resolver_match", None)
    if match is not None and "token" in match.kwargs:
        return None  # a personal link (a sign-up's result): one address per visitor
    if per == "per_path":
        return (request.path,)
    if per == "per_address":
        if request.META.get("QUERY_STRING"):
            return None
        host = _site_host(request, Site.find_for_request(request))
        return None if host is None else (page.pk, request.path, host, request.scheme)
    raise ValueError(per)


def kept_html(
    context, part: str, per: str, render: Callable[[], str], *extra, forms: bool = False
) -> str:
    """``render()``, the HTML of a part that is the same for every visitor, kept with the
    chrome per site, language and generation (and per path or address, see
    :func:`do_kept_chrome`; ``extra`` tells apart several parts of one page).

    ``per="page"`` is a part of a page's own content (an event's programme, a newsletter's
    text), kept per address like ``per_address``, and only when the processes share the
    cache: else a page published by another process (the worker's scheduled publishing, a
    command, a second web process) would start a new generation there alone, and this
    process would go on showing the old content."""
    from treffpunkt.core import chrome

    request = context.get("request")
    if per == "page":
        if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
            return render()
        per = "per_address"
    key = _kept_key(request, context.get("page"), per)
    site = Site.find_for_request(request) if key is not None else None
    if site is None:
        return render()
    # str(): the nonce is lazy, and its truth value only says whether it was made yet
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    made = []

    def compute() -> str | None:
        html = str(render())
        made.append(html)
        if forms:
            html = _marked_tokens(html, _token_made(context))
        if html is None or "csrfmiddlewaretoken" in html.replace(_FORM_TOKEN_FIELD, ""):
            return None  # something personal: never kept
        return html.replace(nonce, NONCE_MARK) if nonce else html

    kept = chrome.cached(f"html:{part}", site, get_language(), compute, *key, *extra)
    if kept is None:
        return made[0] if made else render()
    if forms:
        kept = _filled_tokens(kept, request)
    return kept.replace(NONCE_MARK, nonce) if nonce else kept


#: stand in kept HTML for the request's CSRF token and for each form's one-time submission
#: token (:func:`kept_form_html`), filled in anew on every answer
CSRF_MARK = "\x00csrf\x00"
SUBMISSION_MARK = "\x00submission\x00"
_FORM_TOKEN_FIELD = f'name="csrfmiddlewaretoken" value="{CSRF_MARK}"'
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
_SUBMISSION_VALUE = re.compile(r'(name="submission" value=")[A-Za-z0-9_-]+(")')
_SUBMISSION_NAME = re.compile(r"""name=["']?submission\b""")


def _token_made(context) -> str:
    """The CSRF token this answer has written, or "" when none was asked for yet (asking
    would set the CSRF cookie on a page without a form; a token never asked for cannot be
    in the HTML, as every template writes it through the context)."""
    from django.utils.functional import empty

    token = context.get("csrf_token")
    if token is None or getattr(token, "_wrapped", None) is empty:
        return ""
    return str(token)


def _marked_tokens(html: str, token: str = "") -> str | None:
    """``html`` with every CSRF and submission token replaced by its mark; None when a
    token is written some other way (then it is never kept): a field of another form, or
    this answer's CSRF ``token`` anywhere else (a header for scripts, a data attribute)."""
    html = _CSRF_VALUE.sub(lambda m: m.group(1) + CSRF_MARK + m.group(2), html)
    if token and token in html:
        return None
    html = _SUBMISSION_VALUE.sub(lambda m: m.group(1) + SUBMISSION_MARK + m.group(2), html)
    if html.count("csrfmiddlewaretoken") != html.count(_FORM_TOKEN_FIELD):
        return None
    if len(_SUBMISSION_NAME.findall(html)) != html.count(SUBMISSION_MARK):
        return None
    return html


def _filled_tokens(html: str, request) -> str:
    """Kept ``html`` with this visitor's CSRF token and a new submission token per form."""
    from django.middleware.csrf import get_token

    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    if SUBMISSION_MARK in html:
        parts = html.split(SUBMISSION_MARK)
        html = parts[0] + "".join(secrets.token_urlsafe(24) + part for part in parts[1:])
    return html


def kept_form_html(context, part: str, per: str, render: Callable[[], str], *extra) -> str:
    """:func:`kept_html` for a part with forms that are the same for every visitor who is
    shown them (blank sign-up forms for visitors who are not signed in): their CSRF and
    one-time submission tokens are kept as marks and each answer gets its own, as the page
    cache does for a whole page. The caller decides that nothing else in it is personal."""
    return kept_html(context, part, per, render, *extra, forms=True)


class StoredBlock:
    """A block of a stream field as stored (its type, id and raw value), converted on first
    use of anything else: looking up a block's kept HTML needs no conversion (a query for
    each image, page or snippet a block chooses)."""

    def __init__(self, stream, index: int, item: dict):
        self._stream, self.index = stream, index
        self.block_type, self.id, self.raw_value = item["type"], item.get("id"), item["value"]

    def __getattr__(self, name):  # value, render_as_block, ...: the converted block's
        return getattr(self._stream[self.index], name)


def stored_blocks(stream) -> list[StoredBlock]:
    """The blocks of ``stream`` (a StreamValue) as stored, in order."""
    return [StoredBlock(stream, index, item) for index, item in enumerate(stream.raw_data)]


def _shows_only_its_value(block) -> bool:
    """Whether a block's HTML depends on nothing but its value, the language and the
    published content: text, headings and the blocks that say so (``Meta.kept = True``).
    A block that shows dates as of now or anything of the visitor is not."""
    from wagtail import blocks

    simple = (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)
    return isinstance(block, simple) or bool(getattr(block.meta, "kept", False))


@register.simple_tag(takes_context=True)
def kept_stream(context, stream) -> str:
    """The blocks of a page's stream field, as ``{% for block in stream %}{% include_block
    block %}{% endfor %}`` renders them, each block that shows only its value kept as HTML
    with the page's content (``kept_html(..., "page")``: per page, address and language,
    renewed when anything is published). The others (the next dates, a plugin's block) are
    rendered every time, with the page's context as ``include_block`` passes it."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    if not stream:
        return ""
    child_blocks = stream.stream_block.child_blocks
    parts = []
    for stored in stored_blocks(stream):

        def render(stored=stored) -> str:
            # as include_block's output in a template: a block without a template of its
            # own (a CharBlock, a TextBlock) gives its plain text, which is escaped here
            return conditional_escape(stored.render_as_block(context=context.flatten()))

        definition = child_blocks.get(stored.block_type)
        if definition is not None and _shows_only_its_value(definition):
            parts.append(kept_html(context, "stream", "page", render, stored.index, stored.id))
        else:
            parts.append(render())
    return mark_safe("".join(parts))  # noqa: S308 - each part is escaped in render()


class KeptChromeNode(template.Node):
    def __init__(self, part: str, per: str, nodelist):
        self.part, self.per, self.nodelist = part, per, nodelist

    def render(self, context) -> str:
        return kept_html(context, self.part, self.per, lambda: self.nodelist.render(context))


@register.simple_tag
def form_fields(form) -> str:
    """``includes/form.html`` for ``form``, kept per distinct form in this process
    (:mod:`treffpunkt.core.formhtml`): the same as ``{% include "includes/form.html" %}``."""
    from treffpunkt.core.formhtml import render_fields

    return render_fields(form)
