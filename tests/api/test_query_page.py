"""The query page, YASGUI, in a real headless browser (Debian's chromium, driven by Selenium through
chromedriver). Screenshots of what the tests saw are written to /tmp/collabkg-query-page-*.png."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from support import call, chromium

from collabkg.graph.queries import named_queries

pytestmark = pytest.mark.browser

BASE_IRI = "https://w3id.org/collabkg/id/"
SCREENSHOTS = Path("/tmp")


# Every request a page's scripts start, kept in window.requested: resource timing lists only the requests
# that got an answer, and a call to an unreachable host gets none.
RECORD_REQUESTS = """
window.requested = [];
const fetchFromPage = window.fetch;
window.fetch = function (resource, options) {
  window.requested.push(new URL(resource.url || String(resource), location.href).href);
  return fetchFromPage.apply(this, arguments);
};
const openFromPage = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url) {
  window.requested.push(new URL(String(url), location.href).href);
  return openFromPage.apply(this, arguments);
};
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium")) as driver:
        driver.set_window_size(1280, 1400)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_REQUESTS})
        yield driver


def wait(driver: webdriver.Chrome, seconds: float = 20) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(driver, seconds)


def fresh_page(browser: webdriver.Chrome, server: str, path: str = "/") -> None:
    """The page as a first-time visitor sees it: no tabs or history kept from an earlier test."""
    browser.get(server + "/")
    browser.execute_script("window.localStorage.clear()")
    browser.get(server + path)
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror"))


def active(browser: webdriver.Chrome, selector: str) -> list[WebElement]:
    """Elements of the tab on show (YASGUI keeps the other tabs' panels in the page, hidden)."""
    return browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active " + selector)


def result_rows(browser: webdriver.Chrome, at_least: int = 1) -> list[WebElement]:
    wait(browser).until(lambda d: len(active(d, ".dataTable tbody tr")) >= at_least)
    return active(browser, ".dataTable tbody tr")


def run(browser: webdriver.Chrome, query: str) -> None:
    editor = active(browser, ".CodeMirror")[0]
    browser.execute_script("arguments[0].CodeMirror.setValue(arguments[1])", editor, query)
    active(browser, ".yasqe_queryButton")[0].click()


def follow(browser: webdriver.Chrome, link: WebElement) -> None:
    """Click a link in a results cell as a person does: a cell YASR cut short opens on a first click."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    cell = link.find_element(By.XPATH, "./ancestor::div[1]")
    if "expandable" in cell.get_attribute("class").split() and "expanded" not in cell.get_attribute("class"):
        cell.click()
        wait(browser).until(lambda _: "expanded" in cell.get_attribute("class").split())
    link.click()


def tab_names(browser: webdriver.Chrome) -> list[str]:
    return [t.text.replace("✖", "").strip() for t in browser.find_elements(By.CSS_SELECTOR, ".tabsList .tab")]


def requested_hosts(browser: webdriver.Chrome) -> set[str]:
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    urls += browser.execute_script("return window.requested")
    urls += [e.get_attribute("src") for e in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
    urls += [e.get_attribute("href") for e in browser.find_elements(By.CSS_SELECTOR, "link[href]")]
    return {urlparse(url).netloc for url in urls if url and not url.startswith("data:")}


def test_yasgui_renders_from_the_server_itself(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    assert "collabkg" in browser.title
    assert browser.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab")
    assert active(browser, ".autocompleteWrapper input.autocomplete")[0].get_attribute("value") == server + "/sparql"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#examples button.example")) == len(named_queries()) == 13
    assert requested_hosts(browser) == {urlparse(server).netloc}


def test_an_example_runs_in_its_own_tab_and_shows_rows(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    example = named_queries()["members-by-collaboration"]
    browser.find_element(By.CSS_SELECTOR, "button[data-example='members-by-collaboration']").click()
    assert len(result_rows(browser, at_least=50)) == 50  # a first page of the 130-odd memberships
    assert tab_names(browser)[-1] == example.title
    headers = [th.text for th in active(browser, ".dataTable thead th")]
    assert headers[1:5] == ["collaboration", "collaborationName", "body", "bodyName"]
    links = active(browser, ".downloads a")
    formats = {urllib.parse.parse_qs(urlparse(a.get_attribute("href")).query)["format"][0] for a in links}
    assert formats == {"json", "xml", "csv", "tsv"}
    csv_link = next(a.get_attribute("href") for a in links if a.get_attribute("data-format") == "csv")
    download = call(csv_link)
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.text.splitlines()[0].startswith("collaboration,collaborationName,body,bodyName")
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-query-page-example.png"))
    assert requested_hosts(browser) == {urlparse(server).netloc}


def test_a_results_iri_of_the_dataset_opens_its_entity_page(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    browser.find_element(By.CSS_SELECTOR, "button[data-example='members-by-collaboration']").click()
    result_rows(browser)
    link = active(browser, ".dataTable a.iri.entity")[0]
    iri = link.get_attribute("data-iri")
    assert iri.startswith(BASE_IRI) and link.text == iri[len(BASE_IRI):]  # shown as its path below the base
    page = browser.current_window_handle
    follow(browser, link)
    wait(browser).until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != page))
    try:
        wait(browser).until(lambda d: urlparse(d.current_url).path != "blank")
        # the entity page itself is another issue's; 404 is accepted until it lands, the address is not
        assert browser.current_url == server + "/id/" + iri[len(BASE_IRI):]
    finally:
        browser.close()
        browser.switch_to.window(page)


def test_other_iris_open_a_describe_tab_shown_as_a_table(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    run(browser, "SELECT DISTINCT ?type WHERE { ?c a ckg:Collaboration ; a ?type } ORDER BY ?type")
    result_rows(browser)
    link = next(a for a in active(browser, ".dataTable a.iri.describe") if a.text == "ckg:Collaboration")
    follow(browser, link)
    wait(browser).until(lambda d: tab_names(d)[-1] == "Describe ckg:Collaboration")
    result_rows(browser)
    assert [th.text for th in active(browser, ".dataTable thead th")][1:] == ["subject", "predicate", "object"]
    cells = [td.text for td in active(browser, ".dataTable tbody td")]
    assert "rdfs:subClassOf" in cells and "org:OrganizationalCollaboration" in cells
    formats = {a.get_attribute("data-format") for a in active(browser, ".downloads a")}
    assert formats == {"turtle", "ntriples", "jsonld", "rdfxml"}
    assert requested_hosts(browser) == {urlparse(server).netloc}


def test_the_editor_knows_the_predeclared_prefixes(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    starter = browser.execute_script("return arguments[0].CodeMirror.getValue()", active(browser, ".CodeMirror")[0])
    assert "org:OrganizationalCollaboration" in starter and "PREFIX" not in starter
    assert not active(browser, ".parseErrorIcon")  # YASQE's own check knows ckg:, org:, rdfs: ...
    active(browser, ".yasqe_queryButton")[0].click()
    assert len(result_rows(browser)) > 10
    run(browser, "SELECT * WHERE { ?s foo:bar ?o }")
    wait(browser).until(lambda d: active(d, ".parseErrorIcon"))  # ... and still flags an unknown one
    editor = active(browser, ".CodeMirror")[0]
    browser.execute_script("arguments[0].CodeMirror.setValue(''); arguments[0].CodeMirror.focus()", editor)
    ActionChains(browser).send_keys("PREFIX ck").perform()
    hints = wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
    assert hints[0].text == "ckg: <https://w3id.org/collabkg/ontology#>"
    # completing a class or a property (Ctrl+Space), where YASQE would ask a remote vocabulary service (LOV)
    browser.execute_script("arguments[0].CodeMirror.setValue(''); arguments[0].CodeMirror.focus()", editor)
    complete = ActionChains(browser)
    for typed in ("SELECT * WHERE { ?x a foaf:Per", " ; foaf:na"):
        complete.send_keys(typed).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).pause(1)
    complete.perform()
    assert requested_hosts(browser) == {urlparse(server).netloc}


def test_a_shared_link_opens_its_query_in_a_tab_and_runs_it(browser: webdriver.Chrome, server: str) -> None:
    query = "SELECT ?c WHERE { ?c a ckg:Collaboration } ORDER BY ?c LIMIT 3"
    fresh_page(browser, server, "/?" + urllib.parse.urlencode({"query": query}))
    assert len(result_rows(browser, at_least=3)) == 3
    assert tab_names(browser)[-1] == "Shared query"
    assert browser.current_url == server + "/"  # consumed, so that a reload does not open it again
    browser.refresh()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror"))
    assert tab_names(browser).count("Shared query") == 1


def test_the_share_button_gives_a_link_that_reopens_the_query(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    title = named_queries()["governance-units"].title
    browser.find_element(By.CSS_SELECTOR, "button[data-example='governance-units']").click()
    result_rows(browser)
    active(browser, ".yasqe_share")[0].click()
    link = wait(browser).until(lambda d: active(d, ".yasqe_sharePopup input"))[0].get_attribute("value")
    assert link.startswith(server + "/#query=")
    browser.execute_script("window.localStorage.clear()")
    browser.get("about:blank")
    browser.get(link)  # as someone else opens it: no tabs of their own yet
    assert len(result_rows(browser, at_least=50)) == 50
    assert tab_names(browser) == [title]
    assert browser.current_url == server + "/"


def test_history_keeps_the_queries_run_across_reloads(browser: webdriver.Chrome, server: str) -> None:
    fresh_page(browser, server)
    queries = named_queries()
    for name in ("governance-units", "recurring-posts"):
        browser.find_element(By.CSS_SELECTOR, f"button[data-example='{name}']").click()
        result_rows(browser)
    browser.refresh()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror"))
    browser.find_element(By.CSS_SELECTOR, "#history summary").click()
    entries = browser.find_elements(By.CSS_SELECTOR, "#history ol.history button")
    names = [e.find_element(By.CSS_SELECTOR, ".name").text for e in entries]
    assert names == [queries["recurring-posts"].title, queries["governance-units"].title]  # newest first
    browser.find_elements(By.CSS_SELECTOR, ".tabsList .tab a")[0].click()  # away from the last one
    entries[1].click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, ".tabsList .tab.active").text.startswith(
        queries["governance-units"].title))
    assert result_rows(browser)


def test_a_malformed_query_shows_the_endpoint_message_with_its_caret(browser: webdriver.Chrome,
                                                                     server: str) -> None:
    fresh_page(browser, server)
    active(browser, ".yasqe_queryButton")[0].click()
    result_rows(browser)
    assert active(browser, ".downloads a")
    run(browser, "SELECT * WHERE { ?s ?p }")
    message = wait(browser).until(lambda d: active(d, ".endpoint-error-message"))[0]
    assert message.text == ("error at 1:24: a triple pattern needs an object here\n"
                            "  SELECT * WHERE { ?s ?p }\n"
                            "                         ^")
    assert active(browser, ".endpoint-error-title")[0].text == "Bad Request (400)"
    style = browser.execute_script("const s = getComputedStyle(arguments[0]); return [s.fontFamily, s.whiteSpace]",
                                   message)
    assert "monospace" in style[0] and style[1] == "pre"
    # the caret stands under the brace the engine stopped at
    brace, caret = browser.execute_script("""
        const text = arguments[0].firstChild, lines = text.data.split("\\n");
        const x = (offset) => { const r = document.createRange(); r.setStart(text, offset);
                                r.setEnd(text, offset + 1); return r.getBoundingClientRect().left; };
        const second = lines[0].length + 1, third = second + lines[1].length + 1;
        return [x(second + lines[1].lastIndexOf("}")), x(third + lines[2].indexOf("^"))];""", message)
    assert abs(brace - caret) < 0.5
    assert not active(browser, ".downloads a")  # the previous result's downloads are gone with it
    active(browser, ".yasr")[0].screenshot(str(SCREENSHOTS / "collabkg-query-page-error.png"))
