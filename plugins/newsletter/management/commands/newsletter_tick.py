from django.core.management.base import BaseCommand

from plugins.newsletter.tasks import housekeeping


class Command(BaseCommand):
    help = (
        "Newsletter housekeeping, to run every minute or so (cron, systemd timer): start due "
        "scheduled sends, restart sends whose worker died, delete unconfirmed sign-ups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue the work for a worker")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            housekeeping.enqueue()
            self.stdout.write("queued")
            return
        result = housekeeping.call()
        self.stdout.write(f"deleted {result['deleted']} unconfirmed, resumed {result['resumed']}")
