"""``manage.py renew_kept``: every process reads again what it keeps of the database.

Web processes keep copies of what every page asks (menus, page routes, view restrictions,
sites, a signed-in person's row and roles, working groups' coordinators, the calendar's next
dates, the stored pages of anonymous visitors) under generations in the shared cache, which every change made through the site, the admin or a command renews.
After changing rows by hand (SQL, a ``QuerySet.update`` in a shell), run this: it renews
them all. Nothing else in the cache is touched (queued tasks, sessions, the chat's channel
layer, rate limits).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from treffpunkt.core import chrome, generations, pagecache
from treffpunkt.core.middleware import sites_changed


class Command(BaseCommand):
    help = "Make every process read again what it keeps of the database (after hand edits)."

    def handle(self, *args, **options):
        renewed = generations.renew_all()
        chrome.chrome_changed()
        sites_changed()
        pagecache.content_changed()  # the stored pages and what pagecache.keep keeps
        names = ", ".join(renewed)
        self.stdout.write(f"Renewed: the chrome, the sites, the stored pages and {names}.")
