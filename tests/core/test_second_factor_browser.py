"""In a real browser: staff with TOTP who signed in with the password only reach neither the
admin nor a registrations export until the code is entered."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db, settings, live_server):
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from events import registrations as engine
    from events.models import EventIndexPage
    from tests.conftest import ensure_wagtail_roots, make_site
    from tests.events.conftest import add_event

    settings.REQUIRE_MFA_FOR_PUBLISHERS = True
    ensure_wagtail_roots()
    Site.objects.all().delete()
    port = int(live_server.url.rsplit(":", 1)[1])
    site = make_site("localhost", "Beckum", default=True)
    site.port = port
    site.save()
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    event = add_event(calendar, title="Begegnungscafé", capacity=10)
    engine.sign_up(event, email="registrant@example.org", name="Rana")
    staff = get_user_model().objects.create_superuser(email="chefin@example.org", password=PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return f"http://localhost:{port}", event, secret


def _code(secret: str) -> str:
    from tests.core.test_second_factor import _code as code

    return code(secret)


def test_password_alone_opens_neither_admin_nor_export(page, setup):
    base, event, secret = setup
    export = f"{base}/veranstaltungen/{event.pk}/anmeldungen.csv"
    page.goto(base + "/admin/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=login]", "chefin@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    for url in [base + "/admin/", base + "/admin/pages/", export]:
        response = page.goto(url)
        assert "/accounts/" in page.url and "registrant@example.org" not in page.content(), url
        assert response is not None and "registrant" not in (response.text() or "")
    page.goto(base + "/accounts/2fa/authenticate/")
    page.fill("input[name=code]", _code(secret))
    page.press("input[name=code]", "Enter")
    page.wait_for_load_state()
    page.goto(base + "/admin/")
    assert "/accounts/" not in page.url and page.url.endswith("/admin/")
    page.goto(f"{base}/veranstaltungen/{event.pk}/anmeldungen/")
    assert "registrant@example.org" in page.content()
