"""Fixtures of the core's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def menu(site):
    """A published "Über uns" page in the site's main menu, after the home page."""
    from treffpunkt.core.models import ContentPage, NavigationItem, NavigationSettings

    home = site.root_page
    about = ContentPage(title="Über uns", slug="ueber-uns")
    home.add_child(instance=about)
    about.save_revision().publish()
    navigation = NavigationSettings.for_site(site)
    NavigationItem.objects.create(navigation=navigation, page=home, sort_order=0)
    NavigationItem.objects.create(navigation=navigation, page=about, sort_order=1)
    return about
