from django.utils.translation import gettext_lazy as _

from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class ChatConfig(PluginConfig):
    default = True
    name = "plugins.chat"
    label = "chat"
    verbose_name = _("Chat")
    description = _("Live chat rooms for the network, its working groups and event helpers.")
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "chat"
    # chat messages and rooms never show on public pages
    page_cache_ignore = ("chat",)
    role_permissions = {"managers": ALL_PERMISSIONS}
    dashboard_panels = ("plugins.chat.receivers.chat_panel",)
    # moderators delete others' messages, mute people and read reports: second factor
    second_factor_roles = ("plugins.chat.access.moderates_any",)
    admin_panels = ("plugins.chat.workbench.reports_panel",)
    # "Chat" in the main menu for people who may enter a room, with their unread count
    template_content = {"member_menu": ("chat/menu_item.html",)}
    notification_settings = ("plugins.chat.settings_section.chat_emails",)
    default_settings = {
        "MAX_MESSAGE_LENGTH": 2000,
        "RATE_LIMIT_MESSAGES": 10,
        "RATE_LIMIT_SECONDS": 10,
        # mention mails: at most one digest per person in this many minutes
        "MENTION_DIGEST_MINUTES": 60,
    }

    def ready(self) -> None:
        super().ready()
        from . import access, menu, receivers  # noqa: F401 - connects the membership receivers

        menu.connect()
        access.connect()
