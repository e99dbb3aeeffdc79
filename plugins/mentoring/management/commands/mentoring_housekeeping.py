"""Enqueue the mentoring plugin's housekeeping (the scheduler role runs this periodically)."""

from django.core.management.base import BaseCommand

from plugins.mentoring.tasks import housekeeping


class Command(BaseCommand):
    help = "Delete unconfirmed applications, anonymise ended matches, remind certificates."

    def handle(self, *args, **options):
        result = housekeeping.enqueue()
        self.stdout.write(f"enqueued {result.id}")
