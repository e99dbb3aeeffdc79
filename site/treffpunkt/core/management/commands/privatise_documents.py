"""Move documents whose files still lie in MEDIA_ROOT into private storage (random names).

The migration ``core.0004`` does this once; run the command again after copying old
uploads back into MEDIA_ROOT (e.g. from a backup made before private storage).
"""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model

from treffpunkt.core.privatefiles import move_into_private_storage


class Command(BaseCommand):
    help = "Move documents out of MEDIA_ROOT into private storage under random names."

    def handle(self, *args, **options):
        moved = 0
        for document in get_document_model().objects.exclude(file="").iterator():
            moved += move_into_private_storage(document)
        self.stdout.write(f"moved: {moved}")
