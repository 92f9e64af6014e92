"""Keyboard only, as a person who cannot use a mouse: from the home page through signing in to a plan,
its indicator's target ("95,5", shown back as "95,5") and the year's follow-up form, saved. Only Tab,
Shift+Tab, Enter, Space and typing; every element that takes focus on the way shows it (an outline or a
box shadow), and the first Tab stop is a link that skips to the main content (WCAG 2.1: 2.1.1, 2.4.1,
2.4.7)."""

from __future__ import annotations

import pytest

from .test_every_page import CHROMIUM_ARGS, PASSWORD, SCREENSHOTS, site  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

#: The focused element and whether it shows focus: a visible outline or a box shadow.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
          href: e.getAttribute('href') || '', text: (e.innerText || e.value || '').trim().slice(0, 80),
          type: e.getAttribute('type') || '', visible: outline || shadow};
}"""


class Walk:
    """A keyboard in a tab: moves focus with Tab and notes any focused element that does not show it."""

    def __init__(self, tab) -> None:
        self.tab = tab
        self.unseen: list[str] = []
        self.presses = 0

    def focused(self) -> dict | None:
        return self.tab.evaluate(FOCUSED)

    def tab_to(self, matches, what: str, limit: int = 250, back: bool = False) -> dict:
        for _ in range(limit):
            self.tab.keyboard.press("Shift+Tab" if back else "Tab")
            self.presses += 1
            now = self.focused()
            if now is None:
                continue
            if not now["visible"]:
                self.unseen.append(f"{self.tab.url}: {now}")
            if matches(now):
                return now
        raise AssertionError(f"{what} not reached with {limit} presses of Tab on {self.tab.url}")

    def enter(self) -> None:
        with self.tab.expect_navigation():
            self.tab.keyboard.press("Enter")


def test_sign_in_to_plan_target_and_follow_up_with_the_keyboard_only(site):  # noqa: F811
    from django.db import connections
    from playwright.sync_api import sync_playwright

    base, ids = site
    plan, link = ids["plan"], ids["link"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for width in (390, 1366):
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="fi-FI")
                tab = context.new_page()
                tab.set_default_timeout(60_000)
                walk = Walk(tab)
                tab.goto(f"{base}/")
                # The first stop skips the header and navigation; Enter moves focus into <main>.
                first = walk.tab_to(lambda e: True, "the first focusable element", limit=1)
                assert first["href"] == "#main" and first["text"] == "Siirry sisältöön", first
                tab.keyboard.press("Enter")
                assert tab.evaluate("document.activeElement.id") == "main"
                # Sign in: the link in the header (back up from the main content), then the form.
                walk.tab_to(lambda e: "/accounts/login/" in e["href"], "the sign-in link", back=True)
                walk.enter()
                walk.tab_to(lambda e: e["id"] == "id_username", "the username field")
                tab.keyboard.type("koordinaattori")
                walk.tab_to(lambda e: e["id"] == "id_password", "the password field")
                tab.keyboard.type(PASSWORD)
                walk.enter()
                assert tab.url == f"{base}/", tab.url
                # The plan, from the main navigation.
                walk.tab_to(lambda e: e["href"] == "/plans/", "Hyvinvointisuunnitelmat in the navigation")
                walk.enter()
                walk.tab_to(lambda e: e["href"] == f"/plans/{plan}/", "the plan in the list")
                walk.enter()
                # The indicator's target: "95,5" typed as a Finn writes it.
                walk.tab_to(lambda e: e["href"] == f"/plans/{plan}/indicator/{link}/", "edit the indicator")
                walk.enter()
                field = walk.tab_to(lambda e: e["id"] == "id_target_value", "the target value")
                tab.keyboard.type("95,5")  # the browser selects the old value on Tab: typing replaces it
                assert tab.input_value("#id_target_value") == "95,5", field
                walk.tab_to(lambda e: e["name"] == "save", "the Save button")
                walk.enter()
                assert tab.url == f"{base}/plans/{plan}/", tab.url
                row = tab.locator(f"a[href='/plans/{plan}/indicator/{link}/']").locator("xpath=ancestor::tr")
                assert "95,5" in row.inner_text(), row.inner_text()
                # The follow-up of 2024: a summary, saved with Space on the button.
                walk.tab_to(lambda e: e["href"] == f"/plans/{plan}/follow-up/2024/", "follow-up 2024")
                walk.enter()
                walk.tab_to(lambda e: e["id"] == "id_summary_fi", "the Finnish summary")
                summary = f"Tavoite 95,5 kirjattu näppäimistöllä ({width} px)."
                tab.keyboard.type(summary)  # a textarea keeps what it had
                walk.tab_to(lambda e: e["tag"] == "button" and e["type"] == "submit", "Save follow-up")
                with tab.expect_navigation():
                    tab.keyboard.press("Space")
                text = tab.inner_text("main")
                assert "Seuranta tallennettu." in text or "tallennettu" in text, text[:300]
                assert summary in tab.input_value("#id_summary_fi")
                tab.screenshot(path=str(SCREENSHOTS / f"keyboard-walk_{width}.png"), full_page=False)
                assert walk.unseen == [], "focus not visible on:\n" + "\n".join(walk.unseen)
                context.close()
        finally:
            browser.close()
            connections.close_all()
