"""Periodic meeting mails: invitations before each date and reminders of due tasks.

Run it every hour (cron, a scheduler, or a platform's job runner); it enqueues the two tasks
for the worker. Each mail is recorded when sent, so running it more often sends nothing twice.
"""

from django.core.management.base import BaseCommand

from plugins.meetings.tasks import send_invitations, send_task_reminders


class Command(BaseCommand):
    help = "Enqueue meeting invitations and task reminders that are due."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="do the work here, not in a worker")

    def handle(self, *args, now: bool = False, **options):
        if now:
            invited = send_invitations.call()
            reminded = send_task_reminders.call()
            self.stdout.write(f"{invited} invitation(s), {reminded} task reminder(s) sent")
            return
        send_invitations.enqueue()
        send_task_reminders.enqueue()
        self.stdout.write("meeting invitations and task reminders enqueued")
