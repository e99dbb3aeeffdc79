from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files (after collectstatic). Before collectstatic has run
    (a development shell, a test), a file is named plainly instead of failing the page;
    WhiteNoise then serves it from the app folders."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
