"""A real browser (Debian's chromium, driven by selenium) reads the review page and a saved HTML digest.

Skipped where the system chromium or chromedriver is missing (``.ci/run`` installs both with
apt). Screenshots go to ``$POLYGLOT_NEWS_SCREENSHOTS`` (or the test's temporary folder) under
the names the tests give them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
webdriver = pytest.importorskip("selenium.webdriver")

from click.testing import CliRunner  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from polyglot_news.cli import cli  # noqa: E402
from polyglot_news.serve.config import ServeConfig  # noqa: E402

from .serving import allow_loopback  # noqa: E402
from .test_serve import XSS  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "belarus_us_relations.txt"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None, reason="needs the system chromium and chromedriver (apt)"
)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("POLYGLOT_NEWS_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, network_attempts: list[Any], tmp_path: Path) -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    allow_loopback(monkeypatch, network_attempts)  # selenium talks to chromedriver on 127.0.0.1
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,1000",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # nothing but loopback resolves
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
    assert network_attempts == []


@pytest.fixture
def server(browser: Any, install_packages: Any) -> Iterator[str]:
    from polyglot_news.serve.server import running

    install_packages("echo-en_ru", "echo-ru_be")
    with running(ServeConfig(port=0)) as url:
        yield url


def _no_dialog(driver: Any) -> None:
    with pytest.raises(TimeoutException):
        WebDriverWait(driver, 1).until(expected_conditions.alert_is_present())


def _submit(driver: Any, url: str, article: str, **choices: str) -> None:
    driver.get(url + "/")
    driver.execute_script("document.getElementById('article').value = arguments[0];", article)
    for name, value in choices.items():
        field = driver.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state"))
    state = driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")
    assert state == "done", driver.find_element(By.ID, "status").text


def _check_digest_view(driver: Any) -> None:
    """Summary, both translation columns and marker links render, and a marker jumps to its reference."""
    main = driver.find_element(By.CSS_SELECTOR, "main.digest")
    summary = main.find_elements(By.CSS_SELECTOR, "table.summary tr[data-index] td[lang='en']")
    assert summary and all(cell.text.strip() for cell in summary)
    for lang in ("ru", "be"):
        assert main.find_element(By.CSS_SELECTOR, f"table.summary th[data-lang='{lang}']").is_displayed()
        cells = main.find_elements(By.CSS_SELECTOR, f"table.summary tr[data-index] td[lang='{lang}'] span.text")
        assert len(cells) == len(summary) and any(c.text.strip() for c in cells)
    links = main.find_elements(By.CSS_SELECTOR, "table.summary sup.cite a")
    assert links
    link = next(a for a in links if "ref-be-" in a.get_attribute("href"))
    target = link.get_attribute("href").split("#", 1)[1]
    driver.execute_script("window.scrollTo(0, 0);")
    link.click()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return location.hash;") == f"#{target}")
    entry = driver.find_element(By.ID, target)
    assert entry.tag_name == "td" and entry.text.strip()
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top;", entry)
    assert 0 <= top < driver.execute_script("return window.innerHeight;")  # scrolled into view
    assert driver.execute_script("return document.querySelector(':target') === arguments[0];", entry)


def test_review_page_paste_submit_and_follow_a_marker(browser: Any, server: str, shots: Path) -> None:
    _submit(browser, server, EXAMPLE.read_text(encoding="utf-8"))
    _no_dialog(browser)
    browser.execute_script("window.scrollTo(0, 0);")
    browser.save_screenshot(str(shots / "review-page.png"))
    _check_digest_view(browser)
    browser.save_screenshot(str(shots / "review-page-reference.png"))
    assert browser.find_element(By.ID, "status").text == "Done."
    assert all(b.is_enabled() for b in browser.find_elements(By.CSS_SELECTOR, "button[data-format]"))


def test_review_page_xss_probe_stays_text(browser: Any, server: str, shots: Path) -> None:
    _submit(browser, server, XSS, sentences="3")
    _no_dialog(browser)
    heading = browser.find_element(By.CSS_SELECTOR, "main.digest h1").text
    assert "<script>alert(1)</script>" in heading and "<img src=x onerror=alert(1)>" in heading
    count = "return document.querySelectorAll('main.digest script, main.digest img, main.digest iframe').length;"
    assert browser.execute_script(count) == 0
    browser.save_screenshot(str(shots / "review-page-xss.png"))


def test_saved_html_digest_over_file_url(browser: Any, install_packages: Any, tmp_path: Path, shots: Path) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    story = tmp_path / "story.html"
    result = CliRunner().invoke(cli, ["digest", "--to", "ru,be", "--format", "html", "-o", str(story), str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    browser.get(story.as_uri())
    _no_dialog(browser)
    browser.save_screenshot(str(shots / "digest-file.png"))
    _check_digest_view(browser)
    hostile = tmp_path / "hostile.html"
    xss = tmp_path / "xss.txt"
    xss.write_text(XSS, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["digest", "--to", "ru", "--source-lang", "en", "--format", "html", "-o", str(hostile), str(xss)]
    )
    assert result.exit_code == 0, result.stderr
    browser.get(hostile.as_uri())
    _no_dialog(browser)
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.querySelectorAll('script, img').length;") == 0
    browser.save_screenshot(str(shots / "digest-file-xss.png"))
