from django.template.loaders.cached import Loader as CachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader

from . import active_theme_slug, themes_dir


class ThemeLoader(FilesystemLoader):
    """Looks for templates in the folder of the current request's theme."""

    def get_dirs(self):
        return [themes_dir() / active_theme_slug() / "templates"]


class ThemeCachedLoader(CachedLoader):
    """Django's cached loader, keyed by theme so that two themes never share an entry."""

    def cache_key(self, template_name, skip=None):
        return f"{active_theme_slug()}:{super().cache_key(template_name, skip)}"
