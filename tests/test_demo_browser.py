"""The demo site in a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium) opens the index, follows a link, and takes screenshots.

Skipped when /usr/bin/chromium is missing, unless LEADWELL_REQUIRE_BROWSER=1 (CI), where it
fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo import run_demo

pytestmark = pytest.mark.e2e
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


def unavailable(reason: str) -> None:
    if os.environ.get("LEADWELL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and LEADWELL_REQUIRE_BROWSER=1 requires it "
                    "(apt-get install chromium chromium-driver; pip install -e '.[dev]')")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        unavailable("Chromium is not installed at /usr/bin/chromium (with chromedriver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo-site"), full=False, say=lambda line: None)


def test_index_link_to_a_persons_page_and_screenshot(browser: Any, index: Path,
                                                      tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get(index.as_uri())
    assert browser.title == "Leadwell demo"
    assert "A month of Leadwell" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.PARTIAL_LINK_TEXT, "Maya writes her career plan").click()
    assert browser.current_url.startswith((index.parent / "maya.html").as_uri() + "#i")
    assert browser.find_element(By.CSS_SELECTOR, ".channel h1").text == "Maya Lopez"
    modal = browser.find_element(By.CSS_SELECTOR, ".k-modal div.modal-wrap .modal-title")
    assert modal.text == "Your career plan" and modal.is_displayed()
    images = browser.find_elements(By.CSS_SELECTOR, ".file-image img")
    assert images and all(browser.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", i) for i in images)
    shot = tmp_path / "maya.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_readable_on_a_phone(browser: Any, index: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    browser.get((index.parent / "jordan.html").as_uri())
    assert not browser.find_element(By.CSS_SELECTOR, ".sidebar").is_displayed()
    wider = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wider <= 1, f"the page scrolls sideways by {wider}px on a phone"
    assert browser.save_screenshot(str(tmp_path / "jordan-phone.png"))
