from django.dispatch import receiver

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import dashboard_panels


@receiver(dashboard_panels)
def greeting_panel(sender, request, **kwargs):
    return DashboardPanel(title="Dummy greeting", template="treffpunkt_dummy/panel.html", order=5)
