"""The demo's sites answer on the port `make run` serves them on, so links in mails work."""

import pytest

from treffpunkt import demo

pytestmark = pytest.mark.django_db


def test_demo_sites_carry_the_port_they_are_served_on():
    loaded = demo.load_core(port=8000)
    assert loaded.beckum.root_url == "http://localhost:8000"
    assert loaded.borken.root_url == "http://borken.localhost:8000"
    again = demo.load_core(port=8012)  # loading again on another port moves the sites
    assert again.beckum.root_url == "http://localhost:8012"
    assert again.beckum.pk == loaded.beckum.pk
