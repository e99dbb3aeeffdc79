from django.core.management.base import BaseCommand

from treffpunkt import demo


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo sites of Beckum and Borken. Safe to run again."

    def handle(self, *args, **options):
        result = demo.load()
        self.stdout.write(
            f"Demo ready: {result.beckum.hostname} (Beckum), {result.borken.hostname} (Borken). "
            f"Sign in as {demo.ADMIN_EMAIL} / {demo.DEMO_PASSWORD}."
        )
