from django.core.management.base import BaseCommand

from treffpunkt.plugins import registry


class Command(BaseCommand):
    help = "List every plugin: version, where it came from, and the sites it is enabled on."

    def handle(self, *args, **options):
        plugins = registry.all_plugins()
        if not plugins:
            self.stdout.write("No plugins installed.")
            return
        rows = [("label", "version", "origin", "requires", "enabled on")]
        for plugin in plugins:
            sites = (
                ", ".join(f"{s.hostname}:{s.port}" for s in registry.sites_enabled(plugin)) or "-"
            )
            rows.append(
                (plugin.label, plugin.version, plugin.origin, plugin.requires or "-", sites)
            )
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
