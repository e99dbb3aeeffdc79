from django.core.management.base import BaseCommand

from treffpunkt import demo


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo sites of Beckum and Borken. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=80,
            help="Port the demo is served on (make run passes its PORT), for links in mails.",
        )

    def handle(self, *args, **options):
        result = demo.load(port=options["port"])
        self.stdout.write(
            f"Demo ready: {result.beckum.hostname} (Beckum), {result.borken.hostname} (Borken). "
            f"Sign in as {demo.ADMIN_EMAIL} / {demo.DEMO_PASSWORD}."
        )
