"""The demo in a real browser: German and Arabic, both towns, axe-core without violations."""

import pytest

from tests.helpers import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load()


def test_demo_home_in_german_and_arabic_has_no_axe_violations(live_server, page, demo):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").first.inner_text() == "Willkommen beim Netzwerk Integration Beckum"
    assert_no_axe_violations(page)

    # The language switcher keeps the visitor on the same page, now right to left.
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="العربية").click()
    page.wait_for_url("**/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text() == "مرحبًا بكم في شبكة الاندماج في بيكوم"
    assert page.get_by_role("link", name="تخطَّ إلى المحتوى").count() == 1
    assert_no_axe_violations(page)


def test_second_town_has_its_own_theme_and_passes_axe(live_server, page, demo):
    port = live_server.url.rsplit(":", 1)[1]
    page.goto(f"http://borken.localhost:{port}/")
    assert page.locator(".town-banner").inner_text() == "Zusammenleben in Borken"
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim()"
    )
    assert primary == "#9b1c1c"
    assert_no_axe_violations(page)
    page.goto(f"http://borken.localhost:{port}/ar/")
    assert_no_axe_violations(page)


def test_public_pages_request_nothing_from_third_parties(live_server, page, demo):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in ["/", "/ar/", "/accounts/login/", "/suche/?q=Beckum"]:
        page.goto(live_server.url + path)
    server = live_server.url.split("/")[2]
    assert hosts <= {server}, hosts


def test_sign_up_and_login_pages_pass_axe_in_arabic(live_server, page, demo):
    for path in ["/ar/accounts/login/", "/ar/accounts/signup/", "/accounts/password/reset/"]:
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)


def test_no_content_security_policy_violations_on_public_pages(live_server, page, demo):
    """style-src and script-src allow no 'unsafe-inline' outside the admin: every page the
    home page links to (German and Arabic) loads without the browser refusing a style or a
    script, and the town's colours (the one inline style block, with the nonce) apply."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    server = live_server.url
    paths = {"/", "/ar/", "/accounts/login/", "/suche/?q=Fest"}
    for start in ("/", "/ar/"):
        page.goto(server + start)
        for href in page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        ):
            if not href.startswith(("/admin", "/static", "/media", "/documents")):
                paths.add(href.split("#")[0])
    for path in sorted(paths)[:40]:
        page.goto(server + path)
    assert not violations, violations
    page.goto(server + "/")
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim()"
    )
    assert primary  # the theme's colours came through the nonce'd style block
