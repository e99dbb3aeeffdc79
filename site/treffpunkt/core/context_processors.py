from django.conf import settings
from django.utils.translation import get_language

from treffpunkt.themes import get_active_theme


def site_context(request):
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "theme": get_active_theme(),
        "site_configuration": getattr(request, "site_configuration", None),
        "text_direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
        "current_language": language,
    }
