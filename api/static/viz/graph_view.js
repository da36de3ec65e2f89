// Draws a governance structure or the network of bodies with Cytoscape.js, from the Cytoscape JSON that
// /viz/ serves (the same export as `collabkg viz --format json`). Colours and shapes come with the data
// (graph/viz_style.py), so the page, the paper figure, yEd and Gephi agree.
//
// The page's model is `window.vizModel`: { cy, nodes, edges, ready } (the browser tests read it).
(function () {
  "use strict";

  var container = document.getElementById("drawing");
  var details = document.getElementById("details");
  var pages = JSON.parse(document.getElementById("entity-pages").textContent);
  var view = container.dataset.layout; // "governance" or "network"
  var SHAPES = { box: "rectangle", box3d: "round-rectangle", note: "tag", ellipse: "ellipse" };
  // Edges drawn from what they point at, for the layout only: a unit stands below the one it reports to,
  // a body below the units it sits on, a post below its holder.
  var LAID_OUT_BACKWARDS = { reportsTo: true, seat: true, member: true, postIn: true };
  var model = (window.vizModel = { cy: null, nodes: 0, edges: 0, ready: false });

  function pageUrl(iri) {
    if (iri.indexOf(pages.base) === 0) return "/id/" + iri.slice(pages.base.length);
    var ontology = "https://w3id.org/collabkg/ontology#";
    if (iri.indexOf(ontology) === 0) return "/ontology/" + iri.slice(ontology.length);
    return iri;
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  // Labels wrap at about 18 characters (posts at 22), so that a row of bodies stays narrow.
  function labelWidth(node) {
    var label = node.data("label") || "";
    var widest = node.data("kind") === "unit" ? 150 : node.data("kind") === "post" ? 120 : 100;
    return Math.max(36, Math.min(widest, label.length * 5.6));
  }

  function labelLines(node) {
    return Math.max(1, Math.ceil((node.data("label") || "").length * 5.6 / labelWidth(node)));
  }

  function nodeSize(node) {
    if (view !== "network" || node.data("kind") === "collaboration") return null;
    return 18 + 10 * (node.data("collaborations") || 1);
  }

  var style = [
    { selector: "node", style: {
      "background-color": "data(color)", "label": "data(label)", "color": "data(text_color)",
      "font-size": 9, "text-wrap": "wrap", "text-valign": "center", "text-halign": "center",
      "text-max-width": function (n) { return labelWidth(n); },
      "shape": function (n) { return SHAPES[n.data("shape")] || "ellipse"; },
      "width": function (n) { return nodeSize(n) || labelWidth(n) + 16; },
      "height": function (n) { return nodeSize(n) || 12 * labelLines(n) + 12; },
      "border-width": 1, "border-color": "#5b6475" } },
    { selector: "node:parent", style: {
      "text-valign": "top", "text-halign": "center", "text-margin-y": -4, "background-opacity": 0.5,
      "text-max-width": 480,
      "font-size": 14, "font-weight": "bold", "color": "#1d2330", "padding": 18, "shape": "round-rectangle",
      "border-color": "#9aa3b2" } },
    { selector: "edge", style: {
      "curve-style": "bezier", "width": "data(width)", "line-color": "data(color)", "line-style": "data(line)",
      "target-arrow-color": "data(color)", "target-arrow-shape": view === "network" ? "none" : "triangle",
      "arrow-scale": 0.8, "label": "data(label)", "font-size": 8, "color": "#3d4452", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
    { selector: "node[kind != 'collaboration']", style: view === "network" ? {
      "text-valign": "bottom", "text-margin-y": 2, "color": "#1d2330", "font-size": 9 } : {} },
    { selector: "edge.layout-only", style: { "opacity": 0, "events": "no", "label": "" } },
    { selector: ".faded", style: { "opacity": 0.15 } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#1f5fbf" } },
    { selector: "edge:selected", style: { "width": 3, "line-color": "#1f5fbf", "target-arrow-color": "#1f5fbf" } }
  ];

  function layoutOptions(cy) {
    if (view === "network") {
      return { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 9000; },
               idealEdgeLength: function () { return 60; }, padding: 20, fit: true };
    }
    cy.edges().forEach(function (edge) {
      if (LAID_OUT_BACKWARDS[edge.data("relation")] && !edge.source().isParent() && !edge.target().isParent()) {
        cy.add({ group: "edges", classes: "layout-only",
                 data: { id: "layout-" + edge.id(), source: edge.data("target"), target: edge.data("source"),
                         relation: "layout", color: "#ffffff", line: "solid", width: 1 } });
      }
    });
    // Edges to the collaboration itself (a compound node) would be moved onto one of its units by the
    // layout and bend the hierarchy, so they do not take part in it; nor do those drawn backwards above.
    var backwards = cy.edges().filter(function (edge) {
      return (LAID_OUT_BACKWARDS[edge.data("relation")] && !edge.hasClass("layout-only")) ||
        edge.source().isParent() || edge.target().isParent();
    });
    return { name: "dagre", rankDir: "TB", nodeSep: 8, rankSep: 40, edgeSep: 6, padding: 20, fit: true,
             animate: false, nodeDimensionsIncludeLabels: true,
             eles: cy.elements().difference(backwards) };
  }

  function showDetails(element) {
    details.innerHTML = "";
    var data = element.data();
    if (element.isNode()) {
      details.appendChild(text("h2", data.label || data.id));
      details.appendChild(text("p", data.kind, "kind"));
      var link = text("a", "Entity page");
      link.href = pageUrl(data.iri || data.id);
      link.className = "entity-link";
      details.appendChild(link);
      var list = document.createElement("ul");
      ["collaborations", "partners", "betweenness", "constraint", "effective_size", "bridges"].forEach(function (key) {
        if (data[key] !== undefined) list.appendChild(text("li", key.replace("_", " ") + ": " + data[key]));
      });
      element.connectedEdges().not(".layout-only").forEach(function (edge) {
        var other = edge.source().id() === element.id() ? edge.target() : edge.source();
        var words = edge.data("relation") + (edge.data("label") ? " (" + edge.data("label") + ")" : "");
        list.appendChild(text("li", words + ": " + (other.data("label") || other.id())));
      });
      details.appendChild(list);
    } else {
      details.appendChild(text("h2", data.relation));
      var fields = document.createElement("ul");
      Object.keys(data).forEach(function (key) {
        if (["id", "color", "line", "width"].indexOf(key) < 0 && data[key] !== "") fields.appendChild(text("li", key + ": " + data[key]));
      });
      details.appendChild(fields);
    }
  }

  function draw(payload) {
    if (model.cy) model.cy.destroy();
    var cy = cytoscape({ container: container, elements: payload.elements, style: style, minZoom: 0.05, maxZoom: 4 });
    model.cy = cy;
    model.nodes = cy.nodes().length;
    model.edges = cy.edges().length;
    var layout = cy.layout(layoutOptions(cy));
    layout.one("layoutstop", function () {
      // A large structure fitted into the page is too small to read: start at a readable zoom on the
      // collaboration instead (the Fit button shows all of it).
      var top = cy.nodes("[kind = 'collaboration']");
      if (view === "governance" && cy.zoom() < 0.6 && top.length) {
        cy.zoom(0.6);
        cy.center(top);
      }
      model.ready = true;
      container.dataset.ready = "true";
    });
    model.ready = false;
    layout.run();
    cy.on("tap", "node, edge", function (event) {
      var element = event.target;
      cy.elements().removeClass("faded");
      if (element.isNode()) cy.elements().difference(element.closedNeighborhood()).not(element.ancestors()).addClass("faded");
      showDetails(element);
    });
    cy.on("tap", function (event) {
      if (event.target === cy) cy.elements().removeClass("faded");
    });
    cy.on("dbltap", "node", function (event) { window.location.href = pageUrl(event.target.data("iri") || event.target.id()); });
  }

  function load(url) {
    container.dataset.ready = "false";
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(draw)
      .catch(function (error) { details.textContent = "Could not load the drawing: " + error.message; });
  }

  document.getElementById("fit").addEventListener("click", function () { if (model.cy) model.cy.fit(undefined, 20); });
  var projected = document.getElementById("projected");
  if (projected) {
    projected.addEventListener("change", function () {
      var suffix = projected.checked ? "?projected=1" : "";
      load(container.dataset.source + suffix);
      document.querySelectorAll(".downloads a").forEach(function (a) {
        a.href = a.href.replace(/&projected=1$/, "") + (projected.checked ? "&projected=1" : "");
      });
    });
  }
  load(container.dataset.source);
})();
