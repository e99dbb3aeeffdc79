from django.core.management.base import BaseCommand

from events.tasks import housekeeping


class Command(BaseCommand):
    help = (
        "Expire unconfirmed sign-ups, send reminders for tomorrow's events and delete the "
        "personal data of old registrations. Run it every 15 minutes (cron or a scheduler)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Do the work here instead of enqueuing a task."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            result = housekeeping.call()
            self.stdout.write(
                "expired: {expired}, reminders: {reminders}, anonymised: {anonymised}".format(
                    **result
                )
            )
        else:
            housekeeping.enqueue()
            self.stdout.write("housekeeping enqueued")
