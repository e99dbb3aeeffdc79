from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from treffpunkt.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database (DATABASE_URL) and "
        "the storage folders. Run `migrate` afterwards when the code is newer."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options):
        try:
            manifest = restore(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} "
            f"(Treffpunkt {manifest['versions']['treffpunkt']}, "
            f"{manifest['database']['vendor']})."
        )
