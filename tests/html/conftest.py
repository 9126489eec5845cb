"""A real headless Chromium (the Debian package, not Playwright's download) for report tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _executable() -> str:
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if found:
        return found
    message = f"Chromium not found at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)  # on CI a missing browser is a broken setup, never a skip
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session, launched by Playwright from the system binary."""
    from playwright.sync_api import sync_playwright

    executable = _executable()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Rendered:
    """What a page did in the browser: console errors, requests, measurements."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.metrics: dict[str, Any] = {}


def render(browser: Any, path: Path, screenshot: Path, *, width: int = 1300) -> Rendered:
    """Open ``path`` at ``width`` px, collect errors and requests, measure, screenshot."""
    rendered = Rendered()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on(
        "console",
        lambda message: rendered.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: rendered.errors.append(str(error)))
    page.on("request", lambda request: rendered.requests.append(request.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    rendered.metrics = page.evaluate(MEASURE)
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return rendered


# Horizontal overflow of the document, the contents' targets, and the widest element that
# sticks out of the viewport (to name it when the check fails).
MEASURE = """() => {
  const root = document.documentElement;
  const links = [...document.querySelectorAll("nav.mlnb-toc a")].map(a => a.getAttribute("href"));
  const missing = links.filter(h => !h.startsWith("#") || !document.getElementById(h.slice(1)));
  const outside = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1
                 && !e.closest(".mlnb-scroll"))
    .map(e => e.tagName + "." + e.className).slice(0, 5);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, links,
          missing, outside, charts: document.querySelectorAll("svg.mlnb-chart").length,
          tables: document.querySelectorAll("table.mlnb-table").length,
          scrollBoxes: document.querySelectorAll(".mlnb-scroll").length};
}"""
