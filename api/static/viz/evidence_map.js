// The evidence map as an evidence-and-gap-map matrix: factor categories as rows, outcome categories as
// columns, each cell split into claims that enable (green) and hinder (red), shaded by number. The counts
// come from /viz/evidence-map/data.json (SPARQL counts of distinct claims); a click on a cell lists its
// claims from /viz/evidence-map/claims.json with their quotes and links to their evidence.
//
// The page's model is `window.evidenceModel`: { cells, factors, outcomes, ready } (the browser tests read it).
(function () {
  "use strict";

  var matrix = document.getElementById("matrix");
  var form = document.getElementById("filters");
  var summary = document.getElementById("summary");
  var claimsBox = document.getElementById("claims");
  var sparqlLink = document.getElementById("sparql-link");
  var model = (window.evidenceModel = { cells: [], factors: [], outcomes: [], ready: false });

  function el(tag, content, className) {
    var element = document.createElement(tag);
    if (content !== undefined && content !== null) element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function filterParams() {
    var params = new URLSearchParams();
    form.querySelectorAll("select").forEach(function (select) {
      if (select.value) params.append(select.name, select.value);
    });
    return params;
  }

  function shade(count, most, polarity) {
    if (!count) return "transparent";
    var strength = 0.15 + 0.85 * Math.sqrt(count / most);
    var base = polarity === "enables" ? [27, 120, 55] : [178, 24, 43];
    var rgb = base.map(function (c) { return Math.round(255 - (255 - c) * strength); });
    return "rgb(" + rgb.join(",") + ")";
  }

  function render(data) {
    model.cells = data.cells;
    model.factors = data.factors;
    model.outcomes = data.outcomes;
    sparqlLink.href = data.query_page;
    var byKey = {};
    var most = 1;
    data.cells.forEach(function (cell) {
      byKey[cell.factor + " " + cell.outcome + " " + cell.polarity] = cell;
      most = Math.max(most, cell.claims);
    });
    matrix.innerHTML = "";
    var head = el("thead");
    var headRow = el("tr");
    headRow.appendChild(el("th", "Factor \\ outcome", "corner"));
    data.outcomes.forEach(function (outcome) {
      var th = el("th", null, "outcome");
      th.appendChild(el("span", outcome.label));
      th.title = outcome.iri;
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    matrix.appendChild(head);
    var body = el("tbody");
    var total = 0;
    data.factors.forEach(function (factor) {
      var row = el("tr");
      var th = el("th", factor.label, "factor");
      th.title = factor.iri;
      row.appendChild(th);
      data.outcomes.forEach(function (outcome) {
        var td = el("td", null, "cell");
        var pair = el("div", null, "pair");
        var empty = true;
        ["enables", "hinders"].forEach(function (polarity) {
          var cell = byKey[factor.iri + " " + outcome.iri + " " + polarity];
          var part = el("button", cell ? String(cell.claims) : "", "part " + polarity);
          part.type = "button";
          part.style.background = shade(cell ? cell.claims : 0, most, polarity);
          if (cell) {
            empty = false;
            total += cell.claims;
            part.dataset.factor = factor.iri;
            part.dataset.outcome = outcome.iri;
            part.dataset.polarity = polarity;
            part.dataset.claims = String(cell.claims);
            if (cell.reports === 1) part.classList.add("single-source");
            if (cell.claims / most > 0.35) part.classList.add("dark");
            part.title = factor.label + " " + polarity + " " + outcome.label + ": " + cell.claims + " claims, " +
              cell.collaborations + " collaborations, " + cell.reports + " report" + (cell.reports === 1 ? " (single source)" : "s");
            part.addEventListener("click", function () { showClaims(factor, outcome, polarity, cell, part); });
          } else {
            part.disabled = true;
          }
          pair.appendChild(part);
        });
        if (empty) td.classList.add("gap");
        td.appendChild(pair);
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    matrix.appendChild(body);
    summary.textContent = data.cells.length + " cells with claims (" + total + " claim-cell links); " +
      data.single_source + " rest on a single report; " + data.gaps + " of " +
      data.factors.length * data.outcomes.length + " factor–outcome pairs are gaps.";
    model.ready = true;
    matrix.dataset.ready = "true";
  }

  function showClaims(factor, outcome, polarity, cell, button) {
    document.querySelectorAll(".part.chosen").forEach(function (b) { b.classList.remove("chosen"); });
    button.classList.add("chosen");
    claimsBox.innerHTML = "";
    claimsBox.appendChild(el("h2", factor.label + " " + polarity + " " + outcome.label));
    claimsBox.appendChild(el("p", "Loading " + cell.claims + " claims…", "hint"));
    var params = filterParams();
    params.set("factor", factor.iri);
    params.set("outcome", outcome.iri);
    params.set("polarity", polarity);
    fetch(matrix.dataset.claims + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        claimsBox.innerHTML = "";
        claimsBox.appendChild(el("h2", factor.label + " " + polarity + " " + outcome.label));
        var meta = el("p", data.claims.length + " claims. ", "hint");
        var link = el("a", "SPARQL query of this list");
        link.href = data.query_page;
        link.className = "sparql-link";
        meta.appendChild(link);
        claimsBox.appendChild(meta);
        var list = el("ol", null, "claim-list");
        data.claims.forEach(function (claim) {
          var item = el("li", null, "claim");
          var title = el("a", claim.cause + " — " + polarity + " — " + claim.effect, "claim-title");
          title.href = claim.page;
          item.appendChild(title);
          var facts = [claim.modality, claim.evidence_types.join(", ")];
          if (claim.collaboration_label) facts.push(claim.collaboration_label);
          if (claim.cited_source) facts.push("citing " + claim.cited_source);
          item.appendChild(el("p", facts.filter(Boolean).join(" · "), "facts"));
          claim.passages.forEach(function (passage) {
            var quote = el("blockquote", passage.quote, "quote");
            var source = el("p", null, "evidence");
            var text = el("a", passage.report_title + (passage.start !== null ? ", characters " + passage.start + "–" + passage.end : ""));
            text.href = passage.text;
            source.appendChild(text);
            source.appendChild(document.createTextNode(" · "));
            var passageLink = el("a", "passage");
            passageLink.href = passage.page;
            source.appendChild(passageLink);
            item.appendChild(quote);
            item.appendChild(source);
          });
          list.appendChild(item);
        });
        claimsBox.appendChild(list);
        claimsBox.dataset.claims = String(data.claims.length);
      })
      .catch(function (error) { claimsBox.textContent = "Could not load the claims: " + error.message; });
  }

  function load() {
    model.ready = false;
    matrix.dataset.ready = "false";
    var params = filterParams().toString();
    document.querySelectorAll("#map-downloads a").forEach(function (a) {
      a.href = a.href.split("?")[0] + "?download=1" + (params ? "&" + params : "");
    });
    fetch(matrix.dataset.source + (params ? "?" + params : ""), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(render)
      .catch(function (error) { summary.textContent = "Could not load the map: " + error.message; });
  }

  form.addEventListener("change", function () { claimsBox.innerHTML = ""; load(); });
  load();
})();
