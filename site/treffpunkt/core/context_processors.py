from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from treffpunkt.core.languages import html_language, is_easy_read
from treffpunkt.themes import get_active_theme


def site_context(request):
    language = get_language() or settings.LANGUAGE_CODE
    return {
        # the <html> element's lang: Easy-to-read German is German to browsers (see languages)
        "html_language": html_language(language),
        "easy_read": is_easy_read(language),
        "theme": get_active_theme(),
        "site_configuration": getattr(request, "site_configuration", None),
        # tagline, footer text and contact lines in the visitor's language (one query, if used)
        "site_texts": SimpleLazyObject(lambda: _site_texts(request)),
        "text_direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
        "current_language": language,
    }


def _site_texts(request):
    from . import chrome
    from .sitetexts import site_texts

    configuration = getattr(request, "site_configuration", None)
    site = getattr(request, "_wagtail_site", None)
    if configuration is None or site is None:
        return site_texts(configuration)
    language = get_language() or settings.LANGUAGE_CODE
    # the same for every visitor of the site in a language: kept with the chrome
    return chrome.cached("texts", site, language, lambda: site_texts(configuration, language))
