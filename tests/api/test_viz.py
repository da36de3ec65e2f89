"""``/viz/``: the pages in real headless chromium against the live server, and their data routes over HTTP.

Screenshots are saved under /tmp/collabkg-viz-*.png for a person to look at."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from support import call, chromium, get

from collabkg.graph.projections import bodies_collaborations_graph, governance_digraph
from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store

NWEAB = "https://w3id.org/collabkg/id/collaboration/north-wales-economic-ambition-board"
SCREENSHOTS = Path("/tmp")
CELL_COUNTS = """PREFIX ckg: <https://w3id.org/collabkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?f ?o ?p (COUNT(DISTINCT ?k) AS ?n) WHERE {
  ?k a ckg:CausalClaim ; ckg:polarity ?p ; ckg:cause/ckg:category ?f ; ckg:effect/ckg:category ?o . %s
  ?f skos:inScheme ckg:FactorScheme . ?o skos:inScheme ckg:OutcomeScheme .
} GROUP BY ?f ?o ?p"""


def counted_cells(server: str, restriction: str = "") -> dict[tuple[str, str, str], int]:
    """Distinct claims per factor, outcome and polarity, counted by the SPARQL endpoint."""
    rows = json.loads(get(server, CELL_COUNTS % restriction, "application/sparql-results+json").body)
    return {(r["f"]["value"], r["o"]["value"], r["p"]["value"].rsplit("#", 1)[1].lower()): int(r["n"]["value"])
            for r in rows["results"]["bindings"]}


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    return StoreRunner(open_store(built_store))


# HTTP --------------------------------------------------------------------------------------------------------

def test_index_links_every_collaboration_and_the_query_that_lists_them(server: str) -> None:
    page = call(server + "/viz/")
    assert page.status == 200
    rows = json.loads(get(server, "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?c WHERE { "
                                  "?c a org:OrganizationalCollaboration }").body)["results"]["bindings"]
    for row in rows:
        assert f'href="/viz/collaboration/{row["c"]["value"].rsplit("/", 1)[1]}"' in page.text
    link = page.text.split('class="sparql-link" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)["query"][0]
    assert urlparse(link).path == "/"
    answer = json.loads(get(server, query).body)["results"]["bindings"]
    assert len(answer) == len(rows)


def test_errors_use_the_json_shape(server: str) -> None:
    missing = call(server + "/viz/collaboration/no-such-partnership")
    assert missing.status == 404 and "no collaboration 'no-such-partnership'" in missing.error_message()
    bad = call(server + "/viz/evidence-map/data.json?" + urlencode({"evidence_type": "rumour"}))
    assert bad.status == 400 and "unknown evidence type 'rumour'" in bad.error_message()
    polarity = call(server + "/viz/evidence-map/claims.json?" + urlencode(
        {"factor": "https://w3id.org/collabkg/ontology#factor-leadership",
         "outcome": "https://w3id.org/collabkg/ontology#outcome-innovation", "polarity": "maybe"}))
    assert polarity.status == 400 and "polarity" in polarity.error_message()
    injected = call(server + "/viz/evidence-map/claims.json?" + urlencode(
        {"factor": "x> } ?s ?p ?o . { <y", "outcome": "https://w3id.org/collabkg/ontology#outcome-innovation",
         "polarity": "enables"}))
    assert injected.status == 400 and "not an IRI" in injected.error_message()


def test_downloads_are_the_command_line_exports(server: str) -> None:
    for format_name, media_type in (("svg", "image/svg+xml"), ("png", "image/png"),
                                    ("graphml", "application/graphml+xml"), ("gexf", "application/gexf+xml")):
        reply = call(f"{server}/viz/collaboration/north-wales-economic-ambition-board.{format_name}?download=1")
        assert reply.status == 200 and reply.headers["content-type"].startswith(media_type)
        assert "attachment" in reply.headers["content-disposition"]
    cells = json.loads(call(server + "/viz/evidence-map.json").body)
    assert {(c["factor"], c["outcome"], c["polarity"]): c["claims"] for c in cells} == counted_cells(server)


# browser -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium")) as driver:
        driver.set_window_size(1400, 1100)
        yield driver


def wait_for(browser: Any, script: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def assert_only_own_assets(browser: Any, server: str) -> None:
    host = urlparse(server).netloc
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(urlparse(r).netloc == host for r in resources), resources


@pytest.mark.browser
def test_governance_page_draws_every_node_and_a_click_shows_details(browser: Any, server: str,
                                                                    runner: StoreRunner) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    expected = governance_digraph(runner, NWEAB)
    browser.get(server + "/viz/collaboration/north-wales-economic-ambition-board")
    wait_for(browser, "return window.vizModel && window.vizModel.ready")
    model = browser.execute_script("var cy = vizModel.cy; return {nodes: vizModel.nodes, "
                                   "units: cy.nodes('[kind = \"unit\"]').length, "
                                   "parents: cy.nodes(':parent').map(n => n.id())}")
    assert model["nodes"] == expected.number_of_nodes()
    assert model["units"] == sum(1 for _, k in expected.nodes(data="kind") if k == "unit")
    assert model["parents"] == [NWEAB]  # units are drawn inside their collaboration
    # reporting lines read top-down: the Economic Ambition Board stands below the board it reports to
    ys = browser.execute_script("var cy = vizModel.cy; return [cy.$id(arguments[0]).position('y'), "
                                "cy.$id(arguments[1]).position('y')]",
                                NWEAB + "/unit/regional-leadership-board", NWEAB + "/unit/board")
    assert ys[0] < ys[1]
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-viz-governance.png"))
    drawing = browser.find_element(By.ID, "drawing")
    x, y = browser.execute_script("var p = vizModel.cy.$id(arguments[0]).renderedPosition(); return [p.x, p.y]",
                                  NWEAB + "/unit/board")
    size = drawing.size
    ActionChains(browser).move_to_element_with_offset(drawing, x - size["width"] / 2, y - size["height"] / 2) \
        .click().perform()
    details = browser.find_element(By.ID, "details")
    wait_for(browser, "return document.querySelector('#details h2') !== null")
    assert details.find_element(By.TAG_NAME, "h2").text == "Economic Ambition Board"
    link = details.find_element(By.CSS_SELECTOR, "a.entity-link").get_attribute("href")
    assert urlparse(link).path == "/id/collaboration/north-wales-economic-ambition-board/unit/board"
    assert "reportsTo" in details.text and "Gwynedd Council" in details.text
    sparql = browser.find_element(By.CSS_SELECTOR, "a.sparql-link").get_attribute("href")
    assert "org:reportsTo" in parse_qs(urlparse(sparql).query)["query"][0]
    assert_only_own_assets(browser, server)


@pytest.mark.browser
def test_network_page_draws_every_body_and_collaboration(browser: Any, server: str, runner: StoreRunner) -> None:
    from selenium.webdriver.common.by import By

    two_mode = bodies_collaborations_graph(runner)
    browser.get(server + "/viz/network")
    wait_for(browser, "return window.vizModel && window.vizModel.ready")
    assert browser.execute_script("return vizModel.nodes") == two_mode.number_of_nodes()
    assert browser.execute_script("return vizModel.edges") == two_mode.number_of_edges()
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-viz-network.png"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#measures tbody tr")
    bodies = [n for n, kind in two_mode.nodes(data="kind") if kind != "collaboration"]
    assert len(rows) == len(bodies)
    assert browser.find_elements(By.CSS_SELECTOR, "#measures .group")  # brokers list what they bridge
    browser.find_element(By.ID, "projected").click()
    wait_for(browser, "return vizModel.ready && vizModel.cy.nodes('[kind = \"collaboration\"]').length === 0")
    assert browser.execute_script("return vizModel.nodes") == len(bodies)
    assert_only_own_assets(browser, server)


def page_cells(browser: Any) -> dict[tuple[str, str, str], int]:
    return {(c["factor"], c["outcome"], c["polarity"]): int(c["claims"]) for c in browser.execute_script(
        "return Array.from(document.querySelectorAll('#matrix .part[data-claims]')).map(b => ({factor: "
        "b.dataset.factor, outcome: b.dataset.outcome, polarity: b.dataset.polarity, claims: b.textContent}))")}


@pytest.mark.browser
def test_evidence_map_page_counts_claims_and_a_click_lists_them(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/viz/evidence-map")
    wait_for(browser, "return window.evidenceModel && window.evidenceModel.ready")
    assert page_cells(browser) == counted_cells(server)
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-viz-evidence-map.png"))
    factors = browser.find_elements(By.CSS_SELECTOR, "#matrix tbody th.factor")
    outcomes = browser.find_elements(By.CSS_SELECTOR, "#matrix thead th.outcome")
    assert len(factors) * len(outcomes) == len(browser.find_elements(By.CSS_SELECTOR, "#matrix td.cell"))
    assert browser.find_elements(By.CSS_SELECTOR, "#matrix td.gap")
    assert browser.find_elements(By.CSS_SELECTOR, "#matrix .part.single-source")

    cell = browser.find_element(
        By.CSS_SELECTOR, "#matrix .part[data-factor$='factor-trust-relationships']"
                         "[data-outcome$='outcome-partnership-working'][data-polarity='hinders']")
    expected = int(cell.get_attribute("data-claims"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    wait_for(browser, "return document.querySelector('#claims').dataset.claims")
    claims = browser.find_elements(By.CSS_SELECTOR, "#claims li.claim")
    assert len(claims) == expected == int(browser.find_element(By.ID, "claims").get_attribute("data-claims"))
    first = claims[0]
    assert first.find_element(By.CSS_SELECTOR, "blockquote.quote").text
    evidence = first.find_element(By.CSS_SELECTOR, ".evidence a").get_attribute("href")
    assert "/reports/" in evidence and "char=" in evidence
    assert urlparse(first.find_element(By.CSS_SELECTOR, "a.claim-title").get_attribute("href")).path.startswith(
        "/id/claim/")
    browser.execute_script("document.querySelector('#claims').scrollIntoView()")
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-viz-evidence-claims.png"))

    Select(browser.find_element(By.ID, "filter-modality")).select_by_visible_text("Observed")
    wait_for(browser, "return evidenceModel.ready && document.getElementById('sparql-link').href.includes('modality')")
    observed = "?k ckg:modality ckg:Observed ."
    assert page_cells(browser) == counted_cells(server, observed)
    link = browser.find_element(By.ID, "sparql-link").get_attribute("href")
    assert "ckg:modality ?modality" in parse_qs(urlparse(link).query)["query"][0]
    assert_only_own_assets(browser, server)


@pytest.mark.browser
def test_index_page_lists_collaborations_with_their_hierarchies(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    units = json.loads(get(server, "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?c (COUNT(?u) AS ?n) WHERE { "
                                   "?c a org:OrganizationalCollaboration . OPTIONAL { ?u org:unitOf ?c } } GROUP BY ?c"
                           ).body)["results"]["bindings"]
    browser.get(server + "/viz/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#collaborations tbody tr")
    assert len(rows) == len(units)
    shown = {urlparse(r.find_element(By.TAG_NAME, "a").get_attribute("href")).path.rsplit("/", 1)[1]:
             [td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows}
    for row in units:
        cells = shown[row["c"]["value"].rsplit("/", 1)[1]]
        assert int(cells[2]) == int(row["n"]["value"])  # units
        assert int(cells[5]) >= 2 or not int(row["n"]["value"])  # units hang under their collaboration at least
    assert max(int(cells[5]) for cells in shown.values()) >= 3
    browser.save_screenshot(str(SCREENSHOTS / "collabkg-viz-index.png"))
