from django.utils.translation import gettext_lazy as _

from treffpunkt.plugins import PluginConfig


class NewsletterConfig(PluginConfig):
    default = True
    name = "plugins.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    description = _("Subscriptions with double opt-in, newsletters written as pages, reliable delivery.")
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "newsletter"
    default_settings = {"BATCH_SIZE": 200, "MESSAGES_PER_SECOND": 0, "MAX_FAILURES": 50, "UNCONFIRMED_DAYS": 7}
