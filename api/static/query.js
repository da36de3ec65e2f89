// The query page: YASGUI (vendored in static/vendor/yasgui, see scripts/vendor-yasgui.sh) set up for this
// endpoint. Everything here is served by this project: the page asks no other host for anything, so the
// completers that call remote services (prefix.cc, LOV) are replaced by local ones.
(function () {
  "use strict";
  const page = document.getElementById("query-page");
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const endpoint = new URL(page.dataset.endpoint, window.location.href).href;
  const baseIri = page.dataset.baseIri;
  const entityPath = page.dataset.entityPath;
  const prefixes = data.prefixes;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const HISTORY_KEY = "collabkg_history";
  const HISTORY_SIZE = 50;
  const DOWNLOADS = {
    results: [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]],
    graph: [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["jsonld", "JSON-LD"], ["rdfxml", "RDF/XML"]],
  };
  const STARTER = [
    "# The prefixes " + Object.keys(prefixes).map((p) => p + ":").join(" ") + " are predeclared.",
    "SELECT ?collaboration ?name WHERE {",
    "  ?collaboration a org:OrganizationalCollaboration ;",
    "                 rdfs:label ?name .",
    "}",
    "ORDER BY ?name",
  ].join("\n");

  // --- the editor knows the endpoint's predeclared prefixes ------------------------------------------------

  // YASQE's grammar marks a prefix the query does not declare as an error; the endpoint declares these, so
  // every parse starts with them declared. The query's own PREFIX lines still override them.
  const sparqlMode = Yasqe.modes.sparql11;
  Yasqe.defineMode("sparql11", function (config, modeConfig) {
    const mode = sparqlMode(config, modeConfig);
    const startState = mode.startState;
    mode.startState = function () {
      const state = startState.apply(this, arguments);
      state.prefixes = Object.assign({}, prefixes, state.prefixes);
      return state;
    };
    return mode;
  });

  // After "PREFIX ", complete the project's prefixes first, then the ones bundled with YASQE (never fetched).
  Yasqe.forkAutocompleter("prefixes", {
    name: "collabkgPrefixes",
    persistenceId: null,
    get: function (yasqe) {
      return Promise.resolve(Yasqe.Autocompleters.prefixes.get(yasqe)).then(function (bundled) {
        const ours = Object.keys(prefixes).map((p) => p + ": <" + prefixes[p] + ">");
        return ours.concat(bundled.filter((line) => !(line.split(":")[0] in prefixes)));
      });
    },
  }, false);
  // In place: YASQE merges its defaults index by index, so a shorter list in the config would not remove
  // the class and property completers, which ask a remote service (LOV).
  Yasqe.defaults.autocompleters.splice(0, Yasqe.defaults.autocompleters.length, "collabkgPrefixes", "variables");

  // --- results: IRIs of this dataset open their entity page, others a DESCRIBE -----------------------------

  function describeQuery(iri) {
    return "DESCRIBE <" + iri + ">";
  }

  function abbreviate(iri) {
    for (const prefix in prefixes) {
      if (iri.startsWith(prefixes[prefix])) return prefix + ":" + iri.slice(prefixes[prefix].length);
    }
    return iri.startsWith(baseIri) ? iri.slice(baseIri.length) : iri;
  }

  function linkFor(iri) {
    if (iri.startsWith(baseIri) && iri.length > baseIri.length) {
      return { kind: "entity", href: entityPath + encodeURI(iri.slice(baseIri.length)), title: "Open the page of " + iri };
    }
    const params = new URLSearchParams({ query: describeQuery(iri) });
    return { kind: "describe", href: window.location.pathname + "?" + params, title: "Describe " + iri };
  }

  const tableLink = Yasr.plugins.table.prototype.getUriLinkFromBinding;
  Yasr.plugins.table.prototype.getUriLinkFromBinding = function (binding, tablePrefixes) {
    const template = document.createElement("template");
    template.innerHTML = tableLink.call(this, binding, tablePrefixes);
    const link = template.content.querySelector("a");
    if (!link) return template.innerHTML;
    const target = linkFor(binding.value);
    link.setAttribute("href", target.href);
    link.setAttribute("title", target.title);
    link.setAttribute("rel", "noopener");
    link.setAttribute("data-iri", binding.value);
    link.classList.add(target.kind);
    if (target.kind === "entity") {
      // an instance IRI reads best as its path below the dataset's base: body/newcastle-city-council
      link.textContent = binding.value.slice(baseIri.length);
      template.content.replaceChildren(link);
    }
    breakAfterSlashes(link);
    return template.innerHTML;
  };

  // A long IRI in a narrow column may wrap after a "/" or "#" rather than anywhere.
  function breakAfterSlashes(link) {
    const pieces = link.textContent.split(/(?<=[/#])/);
    link.replaceChildren();
    pieces.forEach(function (piece, i) {
      if (i > 0) link.append(document.createElement("wbr"));
      link.append(piece);
    });
  }

  // --- errors: the endpoint's message, whose caret lines up only in a monospace font ------------------------

  function endpointError(body) {
    try {
      const error = JSON.parse(body).error;
      return error && typeof error.message === "string" ? error : null;
    } catch (_) {
      return null;
    }
  }

  // YASR passes the endpoint's answer to a failed request as the error's text: the JSON error shape.
  Yasr.defaults.errorRenderers = [async function (summary) {
    const error = endpointError(summary.text);
    if (!error) return undefined;
    const box = document.createElement("div");
    box.className = "endpoint-error";
    const title = document.createElement("p");
    title.className = "endpoint-error-title";
    title.textContent = error.title + " (" + error.status + ")";
    const message = document.createElement("pre");
    message.className = "endpoint-error-message";
    message.textContent = error.message;
    box.append(title, message);
    return box;
  }];

  // --- YASGUI ----------------------------------------------------------------------------------------------

  // A shared query: ?query=... (a plain link) or #query=...&tabTitle=... (YASGUI's share button). Read now:
  // YASGUI clears the hash as it reads it.
  const sharedLink = new URLSearchParams(window.location.hash.length > 1 ? window.location.hash.slice(1)
    : window.location.search);
  const shared = sharedLink.get("query");
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "collabkg",
    tabName: "Query",
    copyEndpointOnNewTab: false,
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderGraph: "text/turtle,*/*;q=0.9" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    // A shared link (?query=... or #query=...) opens as a new tab on this endpoint, whatever it names.
    populateFromUrl: function (tab) {
      tab.requestConfig.endpoint = endpoint;
      if (!sharedLink.has("tabTitle")) tab.name = "Shared query";
      return tab;
    },
    yasqe: { value: STARTER },
    yasr: { prefixes: prefixes },
  });
  if (shared !== null || window.location.search) {
    // consumed: a reload must not open the shared query again as another tab
    window.history.replaceState(null, "", window.location.pathname);
  }

  function openTab(name, query) {
    yasgui.addTab(true, { name: name, yasqe: { value: query } }, { avoidDuplicateTabs: true });
    const tab = yasgui.getTab();
    tab.query().catch(() => {});
    return tab;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a.describe");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openTab("Describe " + abbreviate(link.dataset.iri), describeQuery(link.dataset.iri));
  }, true);

  // --- examples --------------------------------------------------------------------------------------------

  const examples = {};
  for (const example of data.examples) examples[example.name] = example;
  for (const button of document.querySelectorAll("#examples button.example")) {
    button.addEventListener("click", function () {
      const example = examples[button.dataset.example];
      openTab(example.title, example.sparql);
    });
  }

  // --- history: every query run, newest first, kept in this browser ----------------------------------------

  function readHistory() {
    try {
      const entries = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(entries) ? entries : [];
    } catch (_) {
      return [];
    }
  }

  function summaryLine(query) {
    const lines = query.split("\n").map((line) => line.trim());
    return lines.find((line) => line && !line.startsWith("#") && !/^(PREFIX|BASE)\b/i.test(line)) || lines[0] || "";
  }

  function drawHistory() {
    const panel = document.getElementById("history");
    const list = panel.querySelector("ol.history");
    const entries = readHistory();
    list.replaceChildren();
    for (const entry of entries) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.title = entry.query;
      const when = document.createElement("time");
      when.dateTime = entry.at;
      when.textContent = new Date(entry.at).toLocaleString();
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = entry.name;
      const text = document.createElement("code");
      text.textContent = summaryLine(entry.query);
      button.append(name, text, when);
      button.addEventListener("click", () => openTab(entry.name, entry.query));
      item.appendChild(button);
      list.appendChild(item);
    }
    panel.querySelector(".count").textContent = entries.length ? "(" + entries.length + ")" : "";
    panel.querySelector(".empty").hidden = entries.length > 0;
    panel.querySelector(".clear-history").hidden = entries.length === 0;
  }

  function remember(query, name) {
    const entries = readHistory().filter((entry) => entry.query !== query);
    entries.unshift({ query: query, name: name, at: new Date().toISOString() });
    try {
      window.localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_SIZE)));
    } catch (_) {
      // storage full or disabled: the history is a convenience, the query still runs
    }
    drawHistory();
  }

  document.querySelector("#history .clear-history").addEventListener("click", function () {
    window.localStorage.removeItem(HISTORY_KEY);
    drawHistory();
  });
  drawHistory();

  // --- downloads of the tab's result in every format, shown only while that result is on screen -----------

  const ranQueries = {};  // tab id -> { query, graph } of the query whose result the tab shows

  function isGraphQuery(tab) {
    const type = tab.getYasqe() && tab.getYasqe().getQueryType();
    return type === "CONSTRUCT" || type === "DESCRIBE";
  }

  function drawDownloads(tab) {
    const yasr = tab && tab.getYasr();
    if (!yasr) return;
    const old = yasr.headerEl.querySelector(".downloads");
    if (old) old.remove();
    if (!yasr.results || yasr.results.hasError()) return;
    const ran = ranQueries[tab.getId()] || { query: tab.getQuery(), graph: isGraphQuery(tab) };
    const bar = document.createElement("div");
    bar.className = "downloads";
    bar.append("Download: ");
    for (const [format, label] of DOWNLOADS[ran.graph ? "graph" : "results"]) {
      const link = document.createElement("a");
      link.href = endpoint + "?" + new URLSearchParams({ query: ran.query, format: format, download: "1" });
      link.textContent = label;
      link.dataset.format = format;
      bar.append(link, " ");
    }
    yasr.headerEl.appendChild(bar);
  }

  yasgui.on("query", function (_yasgui, tab) {
    ranQueries[tab.getId()] = { query: tab.getQuery(), graph: isGraphQuery(tab) };
    remember(tab.getQuery(), tab.getName());
    const yasr = tab.getYasr();
    const old = yasr && yasr.headerEl.querySelector(".downloads");
    if (old) old.remove();
  });
  yasgui.on("queryResponse", function (_yasgui, tab) {
    // emitted before YASR draws the response: draw the links once it has
    tab.getYasr().once("drawn", () => drawDownloads(tab));
  });
  yasgui.on("tabSelect", (_yasgui, tabId) => drawDownloads(yasgui.getTab(tabId)));
  drawDownloads(yasgui.getTab());
  if (shared) remember(shared, yasgui.getTab().getName());  // YASGUI ran it before these listeners existed
})();
