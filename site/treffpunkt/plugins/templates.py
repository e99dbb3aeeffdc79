"""Template content: where a plugin adds a panel or a link to a page of the core.

A plugin names templates per slot in ``PluginConfig.template_content``::

    template_content = {"account_links": ("myplugin/account_link.html",)}

The core's templates render a slot with ``{% plugin_content "account_links" %}``: each
template of each plugin switched on for the site, with the page's context (so ``request``,
``user`` and ``page`` where the page has them). Plugins come in the order of
``INSTALLED_APPS``.
"""

from __future__ import annotations

from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import registry

#: the slots of the core's templates: name -> where it is and what a template there adds
SLOTS = {
    "account_links": "the 'My account' card of the dashboard (/konto/): <li> items",
    "dashboard": "below the panels of the dashboard (/konto/): <section class='card'> boxes",
    "footer_links": "the footer's link list on every page: <li> items (kept with the "
    "chrome's HTML: nothing that depends on the visitor)",
    "member_menu": "the main menu for signed-in people, after the editors' items: <li> items",
    "group_space": "a working group's private space, after its announcements and minutes "
    "(members only; ``page`` is the group): <section class='space-section'> boxes",
    "directory": "the network's contact directory, after the organisations (public and "
    "cached: nothing that depends on the visitor; ``form`` holds the visitor's filters, "
    "``page_obj`` the page of organisations): <section class='card'> boxes",
}


def render_slot(slot: str, context: dict | Context, site) -> SafeString:
    """The HTML the plugins switched on for ``site`` add to ``slot``.

    ``context`` is the page's template context (what ``{% plugin_content %}`` is given): the
    templates are rendered in it as ``{% include %}`` would, without running the context
    processors a second time; a dict is rendered with ``request`` as a new context."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown template slot '{slot}'; known: {', '.join(SLOTS)}")
    parts = []
    for _plugin, (name, templates) in registry.declared("template_content", site):
        if name != slot:
            continue
        for template in templates:
            if isinstance(context, Context):
                with context.push():
                    parts.append(get_template(template).template.render(context))
            else:
                parts.append(render_to_string(template, context, request=context.get("request")))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, autoescaped
