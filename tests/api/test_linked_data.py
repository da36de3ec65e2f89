"""Linked data, tried as a publisher and a crawler would: dereferenceable IRIs in every format, entity pages,
the dataset description, dumps parsed back by independent parsers (raptor's rapper, Oxigraph), the claims
CSV read by Python's csv module, and the report text with its passage highlighted in a real browser."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pyoxigraph
import pytest
import rdflib
from support import call, chromium, run_cli

from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store

BASE = "https://w3id.org/collabkg/id/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FORMATS = {"text/html": None, "text/turtle": "turtle", "application/n-triples": "nt",
           "application/ld+json": "json-ld"}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.links


def parse_rdf(body: bytes, rdflib_format: str, iri: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    with warnings.catch_warnings():  # rdflib's JSON-LD parser builds a (deprecated) ConjunctiveGraph inside
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=body, format=rdflib_format, publicID=iri)
    return graph


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    return StoreRunner(open_store(built_store))


def test_crawl_from_void_reaches_every_collaboration_and_body_in_every_format(server: str,
                                                                              runner: StoreRunner) -> None:
    void = call(f"{server}/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status == 200
    description = parse_rdf(void.body, "turtle", server)
    roots = [str(o) for o in description.objects(None, VOID.rootResource)]
    assert any(root.startswith(BASE + "report/") for root in roots)
    # Crawl the HTML pages: reports -> collaborations -> bodies, checking every /id/ link on the way.
    to_visit = [server + "/id/" + root[len(BASE):] for root in roots if root.startswith(BASE)]
    seen: set[str] = set()
    other_links: set[str] = set()
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        reply = call(url)
        assert reply.status == 200, url
        for link in links_of(reply.text):
            target = urljoin(url, link)
            if urlparse(target).netloc != urlparse(server).netloc:
                continue
            path = urlparse(target).path
            segments = path.split("/")  # "", "id", kind, name
            if len(segments) == 4 and segments[2] in ("report", "collaboration", "body") and "." not in segments[3]:
                to_visit.append(target.split("#")[0])
            else:
                other_links.add(target.split("#")[0])
    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = dict(zip(other_links, pool.map(lambda url: call(url, "HEAD").status, other_links), strict=True))
    broken = {url: status for url, status in statuses.items() if status != 200}
    print(f"crawled {len(seen)} pages, checked {len(other_links)} other links")
    assert not broken, broken
    wanted = {row["c"].value for row in runner.select(
        "SELECT DISTINCT ?c WHERE { { ?c a org:OrganizationalCollaboration } UNION { ?x org:member ?c } }")}
    crawled = {BASE + urlparse(url).path[len("/id/"):] for url in seen}
    assert wanted <= crawled, sorted(wanted - crawled)[:5]
    # Every collaboration and body, in every served format, parses.
    for iri in sorted(wanted):
        url = server + "/id/" + iri[len(BASE):]
        for media_type, rdflib_format in FORMATS.items():
            reply = call(url, headers={"Accept": media_type})
            assert reply.status == 200 and reply.headers["content-type"].startswith(media_type), (url, media_type)
            assert reply.headers["vary"] == "Accept"
            if rdflib_format is None:
                links_of(reply.text)
                assert "<h1>" in reply.text
            else:
                graph = parse_rdf(reply.body, rdflib_format, iri)
                assert (rdflib.URIRef(iri), rdflib.RDFS.label, None) in graph, (iri, media_type)


def test_content_location_names_the_document_served(server: str) -> None:
    for media_type, extension in (("text/turtle", "ttl"), ("text/html", "html"), ("application/ld+json", "jsonld")):
        reply = call(f"{server}/id/body/barnardos", headers={"Accept": media_type})
        assert reply.headers["content-location"] == f"/id/body/barnardos.{extension}"
        document = call(f"{server}/id/body/barnardos.{extension}")
        assert document.status == 200 and document.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize(("media_type", "marker"), [("text/html", b"<h1>Not found"),
                                                    ("text/turtle", b"# "), ("application/ld+json", b'"@id"')])
def test_unknown_iris_are_404_in_the_negotiated_format(server: str, media_type: str, marker: bytes) -> None:
    reply = call(f"{server}/id/body/no-such-body", headers={"Accept": media_type})
    assert reply.status == 404
    assert reply.headers["content-type"].startswith(media_type)
    assert marker in reply.body


def test_a_body_page_shows_its_collaborations_and_roles_across_reports(server: str) -> None:
    page = call(f"{server}/id/body/barnardos").text
    assert "Collaborations and roles, across reports" in page
    assert "/id/collaboration/leicestershire-childrens-innovation-partnership" in page
    assert "Cite as:" in page


def test_a_collaboration_page_lists_members_units_funding_and_claims_by_factor(server: str) -> None:
    page = call(f"{server}/id/collaboration/north-of-tyne-collaboration").text
    for heading in ("Members and other bodies", "Governance units and reporting lines", "Funding",
                    "Claims, by factor"):
        assert heading in page, heading
    assert "/id/body/newcastle-city-council" in page
    assert "/reports/000_19c409783d911f52/text?char=" in page


def test_a_concept_page_lists_the_claims_filed_under_it(server: str) -> None:
    page = call(f"{server}/ontology/factor-leadership").text
    assert "Claims filed under it" in page and "Definition" in page


def test_the_ontology_as_html_and_turtle(server: str) -> None:
    html = call(f"{server}/ontology", headers={"Accept": "text/html"})
    assert html.status == 200 and "Concept schemes" in html.text and "CausalClaim" in html.text
    turtle = call(f"{server}/ontology", headers={"Accept": "text/turtle"})
    graph = parse_rdf(turtle.body, "turtle", server)
    assert (rdflib.URIRef("https://w3id.org/collabkg/ontology#CausalClaim"), rdflib.RDF.type, rdflib.OWL.Class) in graph


def test_the_dataset_description_counts_graphs_and_links_checked_dumps(server: str, runner: StoreRunner) -> None:
    description = parse_rdf(call(f"{server}/.well-known/void").body, "turtle", server)
    dataset = next(description.subjects(rdflib.RDF.type, VOID.Dataset))
    assert description.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(f"{server}/sparql")
    counts = {row["g"].value: int(row["n"].value) for row in runner.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    described = {str(description.value(s, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name"))):
                 int(description.value(s, VOID.triples)) for s in description.objects(dataset, VOID.subset)}
    assert described == counts
    assert len(list(description.objects(dataset, rdflib.DCTERMS.source))) == 5
    assert all(description.value(report, rdflib.DCTERMS.license) or description.value(report, rdflib.DCTERMS.rights)
               for report in description.objects(dataset, rdflib.DCTERMS.source))
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    for distribution in description.objects(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#distribution")):
        url = str(description.value(distribution, rdflib.URIRef("http://www.w3.org/ns/dcat#downloadURL")))
        checksum = description.value(description.value(distribution, spdx.checksum), spdx.checksumValue)
        assert hashlib.sha256(call(url).body).hexdigest() == str(checksum), url


@pytest.fixture(scope="module")
def dumps(server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dumps")
    for name in ("collabkg.nq.gz", "collabkg.trig.gz", "collabkg.jsonld.gz", "claims.csv", "context.jsonld"):
        reply = call(f"{server}/dumps/{name}")
        assert reply.status == 200, name
        (folder / name.removesuffix(".gz")).write_bytes(gzip.decompress(reply.body) if name.endswith(".gz")
                                                         else reply.body)
    return folder


@pytest.mark.parametrize(("name", "syntax"), [("collabkg.nq", "nquads"), ("collabkg.trig", "trig")])
def test_dumps_parse_with_raptor(dumps: Path, runner: StoreRunner, name: str, syntax: str) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "raptor2-utils is installed by scripts/test.sh"
    result = subprocess.run([rapper, "--count", "--input", syntax, str(dumps / name)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-500:]
    total = int(runner.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value)
    assert f"returned {total} " in result.stderr or f"returned {total}\n" in result.stderr, result.stderr[-300:]


def test_the_ontology_parses_with_raptor(server: str, tmp_path: Path) -> None:
    path = tmp_path / "ontology.ttl"
    path.write_bytes(call(f"{server}/ontology", headers={"Accept": "text/turtle"}).body)
    result = subprocess.run(["rapper", "--count", "--input", "turtle", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "returned" in result.stderr, result.stderr[-500:]


def test_the_json_ld_dump_is_compact_and_parses_with_oxigraph(dumps: Path, runner: StoreRunner) -> None:
    text = (dumps / "collabkg.jsonld").read_text(encoding="utf-8")
    document = json.loads(text)
    assert "@context" in document and '"rdfs:label"' not in text[:200]
    assert '"label"' in text or '"rdfs:label"' in text
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.JSON_LD))
    total = int(runner.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value)
    assert len(dataset) == total


def test_claims_csv_has_one_row_per_claim_and_passage(dumps: Path, runner: StoreRunner) -> None:
    with open(dumps / "claims.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["claim", "report", "collaboration", "cause", "factor_category", "effect",
                             "outcome_category", "polarity", "modality", "evidence_type", "quote", "start", "end",
                             "cited_source"]
    expected = {(r["k"].value, r["ev"].value) for r in runner.select(
        "SELECT ?k ?ev WHERE { ?k a ckg:CausalClaim ; prov:wasDerivedFrom ?ev }")}
    assert len(rows) == len(expected)
    assert len({(row["claim"], row["start"]) for row in rows}) == len(rows)
    assert {row["polarity"] for row in rows} == {"enables", "hinders"}


def test_exported_files_are_world_readable(built_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "all.nq"
    assert run_cli("export", "--store", str(built_store), "--format", "nquads", "-o", str(output)).returncode == 0
    assert output.stat().st_mode & 0o044 == 0o044


def test_the_report_text_marks_the_passage(server: str) -> None:
    page = call(f"{server}/reports/000_19c409783d911f52/text?char=1325,1484").text
    assert '<mark id="passage">developing a shared business plan' in page
    assert call(f"{server}/reports/000_19c409783d911f52/text?char=1,99999999").status == 400


@pytest.mark.browser
def test_a_claim_links_to_its_passage_highlighted_in_view(server: str, runner: StoreRunner,
                                                          tmp_path: Path) -> None:
    claim = runner.select("SELECT ?k WHERE { ?k a ckg:CausalClaim ; prov:wasDerivedFrom/oa:hasSelector/oa:start ?s "
                          "FILTER(?s > 200000) } LIMIT 1")[0]["k"].value
    with chromium(tmp_path / "profile") as browser:
        browser.get(server + "/id/" + claim[len(BASE):])
        assert "Causal claim" in browser.page_source
        browser.save_screenshot(str(Path("/tmp") / "collabkg-claim-page.png"))
        browser.find_element("css selector", "a.in-report").click()
        mark = browser.find_element("id", "passage")
        inside = browser.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight;", mark)
        assert inside and mark.text.strip()
        browser.save_screenshot(str(Path("/tmp") / "collabkg-passage.png"))


@pytest.mark.browser
def test_an_entity_page_and_the_ontology_render_in_the_browser(server: str, tmp_path: Path) -> None:
    with chromium(tmp_path / "profile") as browser:
        browser.get(server + "/id/collaboration/north-of-tyne-collaboration")
        assert browser.find_element("css selector", "h1").text == "North of Tyne Collaboration"
        assert browser.find_elements("css selector", "section.claims li")
        browser.save_screenshot(str(Path("/tmp") / "collabkg-collaboration.png"))
        browser.get(server + "/ontology")
        assert browser.find_element("css selector", "section.schemes h1").text == "Concept schemes"
        browser.save_screenshot(str(Path("/tmp") / "collabkg-ontology.png"))


def test_markup_in_the_data_is_escaped(tmp_path: Path) -> None:
    """A label with markup is shown as text, never as markup."""
    from support import DATA, serving

    shutil.copytree(DATA / "mini", tmp_path / "mini")
    case = tmp_path / "mini" / "cases" / "r1-test-partnership.yaml"
    case.write_text(case.read_text().replace("label: Test Partnership", 'label: "Test <script>alert(1)</script>"'))
    env = {"COLLABKG_CASES": str(tmp_path / "mini" / "cases"), "COLLABKG_CORPUS": str(tmp_path / "mini" / "corpus"),
           "COLLABKG_REASONER": "none", "COLLABKG_STORE": str(tmp_path / "store")}
    assert run_cli("build", env=env).returncode == 0
    with serving(tmp_path / "store", tmp_path / "serve.log", env=env) as (url, _):
        page = call(f"{url}/id/collaboration/test-partnership").text
    assert "<script>alert(1)</script>" not in page
    assert "Test &lt;script&gt;alert(1)&lt;/script&gt;" in page
