"""The Content-Security-Policy: on every response, and no page needs inline scripts, styles or handlers."""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client

from kasvu.csp import POLICY

from .test_pages import PAGES

EXTRA_PAGES = ["/plans/", "/bank/", "/reports/", "/accounts/login/", "/api/v1/docs", "/admin/login/"]
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle=\"", re.I),
    "event handler": re.compile(r"<[^>]+\son[a-z]+=\"", re.I),
    "javascript: link": re.compile(r"href=\"javascript:", re.I),
}


def test_the_policy_allows_only_kasvu_itself():
    assert "script-src 'self'" in POLICY and "style-src 'self'" in POLICY
    assert "unsafe-inline" not in POLICY and "unsafe-eval" not in POLICY
    assert "frame-ancestors 'none'" in POLICY and "object-src 'none'" in POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/areas", "/api/v1/docs", "/admin/login/", "/no-such-page/"])
def test_every_response_carries_the_policy(path):
    response = Client().get(path)
    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES + EXTRA_PAGES)
def test_pages_have_no_inline_scripts_styles_or_handlers(client, demo_data, path):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    found = {name: pattern.findall(html)[:2] for name, pattern in INLINE.items() if pattern.search(html)}
    assert found == {}, path


@pytest.mark.browser
def test_chromium_reports_no_policy_violation_and_the_api_docs_render(live_server, restored_after_flush):
    """Pages as a browser runs them: nothing refused by the policy, and Swagger UI draws the API."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from .conftest import load_demo
    from .test_browser import CHROMIUM_ARGS

    load_demo()
    violations: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            tab = browser.new_context(base_url=live_server.url).new_page()
            tab.set_default_timeout(60_000)
            tab.on(
                "console",
                lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
            )
            for path in [
                "/",
                "/indicators/demo:placed-outside-home/?area=municipality:444",
                "/search/?q=lapsi",
            ]:
                tab.goto(path)
            tab.goto("/api/v1/docs")
            tab.wait_for_selector(".swagger-ui .info .title")
            assert "kasvu" in tab.inner_text(".swagger-ui .info .title").lower()
        finally:
            browser.close()
            connections.close_all()
    assert violations == []
