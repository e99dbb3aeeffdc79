from django.utils.translation import gettext_lazy as _

from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class NewsletterConfig(PluginConfig):
    default = True
    name = "plugins.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    description = _(
        "Subscriptions with double opt-in, newsletters written as pages, reliable delivery."
    )
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "newsletter"
    page_cache_ignore = ("newsletter.subscriber", "newsletter.delivery")
    role_permissions = {"managers": ALL_PERMISSIONS}
    report_sections = ("plugins.newsletter.receivers.newsletter_report_section",)
    admin_panels = ("plugins.newsletter.workbench.sends_panel",)
    notification_settings = ("plugins.newsletter.settings_section.newsletter_status",)
    default_settings = {
        # deliveries a worker claims at once (one SMTP connection carries a batch)
        "BATCH_SIZE": 200,
        # 0 = as fast as the server takes them; otherwise a ceiling per worker process
        "MESSAGES_PER_SECOND": 0,
        # permanent failures in one send after which it pauses itself and tells the editor
        "MAX_FAILURES": 50,
        # sign-ups not confirmed within this many days are deleted
        "UNCONFIRMED_DAYS": 7,
        # how long a worker's claim on a batch lasts; a dead worker's rows return after it
        "CLAIM_SECONDS": 60,
        # attempts for a temporary SMTP error (4xx, connection lost) before a row fails
        "MAX_ATTEMPTS": 8,
        # first retry delay in seconds; doubles with every attempt
        "RETRY_SECONDS": 30,
        # a delivery task stops after this many seconds and queues its successor (short, so a
        # worker asked to stop for a deploy is not kept waiting long)
        "TASK_SECONDS": 30,
        # delivery tasks a send starts side by side (one per worker process you run)
        "PARALLEL_TASKS": 1,
        # SMTP connections one delivery task keeps busy side by side, each in its own thread
        # (a send mostly waits on the mail server and on commits); SQLite always uses one
        "SENDERS": 4,
    }

    def ready(self) -> None:
        super().ready()
        from . import receivers  # noqa: F401
