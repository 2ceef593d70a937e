"""A real headless Chromium (Debian's `chromium`), driven by playwright, and what a page showed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"  # screenshots to look at (git ignores it)


@dataclass
class Tab:
    """An open page and every problem it reported: console errors, uncaught exceptions, failed loads."""

    page: object  # playwright.sync_api.Page
    problems: list[str] = field(default_factory=list)

    def shown(self) -> list[str]:
        """The ids of the notes the filters leave visible."""
        return self.page.eval_on_selector_all(".pv-note:not([hidden])", "notes => notes.map(n => n.id)")


def open_tab(browser, url: str, width: int = 1400) -> Tab:
    page = browser.new_page(viewport={"width": width, "height": 900})
    tab = Tab(page)
    page.on("console", lambda message: tab.problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: tab.problems.append(str(error)))
    page.on("requestfailed", lambda request: tab.problems.append(f"{request.url}: {request.failure}"))
    page.goto(url)
    return tab


def wait_for_math(tab: Tab, timeout: float = 180) -> None:
    tab.page.wait_for_function("document.body.dataset.mathjax === 'done'", timeout=timeout * 1000)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (each launch gets a fresh profile)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
