"""The query page in a real headless browser (Debian's chromium, driven by Selenium through chromedriver)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("chromium and chromedriver are required: scripts/test.sh installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver: webdriver.Chrome, seconds: float = 20) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(driver, seconds)


def test_page_loads_only_its_own_assets(browser: webdriver.Chrome, server: str) -> None:
    browser.get(server + "/")
    assert "collabkg" in browser.title
    host = urlparse(server).netloc
    assets = [e.get_attribute("src") for e in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
    assets += [e.get_attribute("href") for e in browser.find_elements(By.CSS_SELECTOR, "link[href]")]
    assert assets and all(urlparse(a or "").netloc == host for a in assets), assets
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(urlparse(r).netloc == host for r in resources), resources


def test_editor_highlights_sparql(browser: webdriver.Chrome, server: str) -> None:
    browser.get(server + "/")
    keywords = browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-keyword")
    assert "SELECT" in [k.text for k in keywords]
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-variable")


def test_every_question_is_an_example_and_runs_to_a_table(browser: webdriver.Chrome, server: str) -> None:
    browser.get(server + "/")
    select = Select(browser.find_element(By.ID, "examples"))
    options = [o for o in select.options if o.get_attribute("value")]
    assert len(options) == 13
    select.select_by_value("members-by-collaboration")
    assert "org:Membership" in browser.find_element(By.ID, "query").get_attribute("value")
    browser.find_element(By.ID, "run").click()
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) > 50)
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results th")]
    assert headers[:4] == ["collaboration", "collaborationName", "body", "bodyName"]
    assert "rows in" in browser.find_element(By.ID, "status").text
    links = browser.find_elements(By.CSS_SELECTOR, "#downloads a")
    assert {urlparse(a.get_attribute("href")).query.split("format=")[1].split("&")[0] for a in links} == {
        "json", "xml", "csv", "tsv"}


def test_iri_links_describe_the_resource(browser: webdriver.Chrome, server: str) -> None:
    browser.get(server + "/")
    Select(browser.find_element(By.ID, "examples")).select_by_value("members-by-collaboration")
    browser.find_element(By.ID, "run").click()
    link = wait(browser).until(ready.element_to_be_clickable((By.CSS_SELECTOR, "#results tbody td a")))
    iri = link.text
    link.click()
    graph = wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results pre.graph")))
    assert iri in graph.text or "rdfs:label" in graph.text
    assert not browser.find_element(By.ID, "graph-downloads").get_attribute("hidden")


def test_a_malformed_query_shows_the_parser_message(browser: webdriver.Chrome, server: str) -> None:
    browser.get(server + "/")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT * WHERE { ?s ?p }")
    browser.find_element(By.ID, "run").click()
    status = browser.find_element(By.ID, "status")
    wait(browser).until(lambda d: "Error 400" in status.text)
    assert "error at 1:" in status.text
