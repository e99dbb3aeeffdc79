from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from treffpunkt.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive of the database (PostgreSQL dump or SQLite copy), the uploaded "
        "files and a manifest of versions. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Archive path (default: var/backups/treffpunkt-<date>-<time>.tar.gz).",
        )

    def handle(self, *args, **options):
        from django.conf import settings

        output = options["output"] or (
            Path(settings.VAR_DIR) / "backups" / f"treffpunkt-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            result = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = ", ".join(f"{n} {c}" for n, c in result.manifest["files"].items())
        self.stdout.write(
            f"Backup written to {result.path} "
            f"({result.manifest['database']['vendor']}; files: {files})."
        )
