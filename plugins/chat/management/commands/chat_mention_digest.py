"""Periodic chat mails: one digest of mentions per person and hour.

Run it every few minutes (the scheduler role does, see PERIODIC_JOBS); it enqueues a digest
for each person with mentions waiting whose last digest is an hour old. A mention of someone
who got no digest within the hour is mailed at once when it is made; later ones wait here.
"""

from django.core.management.base import BaseCommand

from plugins.chat.tasks import due_people, send_mention_digest


class Command(BaseCommand):
    help = "Enqueue the chat's mention digests that are due."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="do the work here, not in a worker")

    def handle(self, *args, now: bool = False, **options):
        people = due_people()
        for user_id in people:
            if now:
                send_mention_digest.call(user_id)
            else:
                send_mention_digest.enqueue(user_id)
        self.stdout.write(f"{len(people)} mention digest(s) {'sent' if now else 'enqueued'}")
