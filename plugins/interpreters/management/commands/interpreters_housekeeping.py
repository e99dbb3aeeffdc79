"""Enqueue the interpreter pool's housekeeping (the scheduler role runs this periodically)."""

from django.core.management.base import BaseCommand

from plugins.interpreters.tasks import housekeeping


class Command(BaseCommand):
    help = (
        "Pass unanswered offers on, escalate overdue requests, resend failed offer mails, "
        "anonymise old requests."
    )

    def handle(self, *args, **options):
        result = housekeeping.enqueue()
        self.stdout.write(f"enqueued {result.id}")
