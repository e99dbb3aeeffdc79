from django.utils.translation import gettext_lazy as _

from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class InterpretersConfig(PluginConfig):
    default = True
    name = "plugins.interpreters"
    label = "interpreters"
    verbose_name = _("Interpreter pool")
    description = _("Requests for language mediators, matched and offered by mail; hours.")
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "dolmetschen"
    default_settings = {
        # days after the appointment until a request's personal details are anonymised
        "ANONYMISE_AFTER_DAYS": 90,
        # minutes kept free before and after an on-site assignment for the way there
        "TRAVEL_BUFFER_MINUTES": 30,
        # how many mediators an offer goes to at once ("all at once" requests)
        "OFFER_COUNT": 5,
        # hours a mediator has to answer an offer in turn before the next one is asked
        "OFFER_TURN_HOURS": 4,
        # a request starting sooner than this goes to every fitting mediator at once
        "SHORT_NOTICE_HOURS": 24,
        # yearly tax-free volunteer allowance (EStG § 3 Nr. 26a), in euros
        "YEARLY_ALLOWANCE_EUR": 960,
        # what the statement pays, in euros
        "HOURLY_RATE_EUR": 0,
        "KM_RATE_EUR": 0.30,
    }
    # what never shows on public pages; mediators (and their languages) do: the contact
    # directory lists those who chose so
    page_cache_ignore = (
        "interpreters.request",
        "interpreters.offer",
        "interpreters.assignment",
        "interpreters.availability",
        "interpreters.absence",
        "interpreters.poolcoordinator",
    )
    template_content = {"directory": ("interpreters/directory.html",)}
    role_permissions = {"managers": ALL_PERMISSIONS}
    dashboard_panels = ("plugins.interpreters.receivers.pool_panel",)
    report_sections = ("plugins.interpreters.receivers.pool_report_section",)

    def ready(self) -> None:
        super().ready()
        from django.apps import apps

        from . import (  # noqa: F401 - connect the personal data export and the sign-ups
            receivers,
            signups,
        )

        if apps.is_installed("plugins.meetings"):
            from . import meeting_dates  # noqa: F401 - "request a mediator for this date"
