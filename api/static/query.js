// The query page: a textarea with a highlighted mirror underneath, example questions, results as a table.
// Served from this project only (no CDN), so it works with no internet access.
(function () {
  "use strict";
  const KEYWORDS = new Set(("SELECT ASK CONSTRUCT DESCRIBE WHERE PREFIX BASE DISTINCT REDUCED FROM NAMED GRAPH " +
    "OPTIONAL UNION MINUS FILTER BIND VALUES GROUP BY ORDER HAVING LIMIT OFFSET AS ASC DESC NOT EXISTS IN A " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR IF COALESCE STR LANG LCASE UCASE CONTAINS REGEX " +
    "STRSTARTS STRENDS CONCAT REPLACE STRLEN ISIRI ISLITERAL BOUND TRUE FALSE SERVICE LATERAL").split(" "));
  const TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z0-9_]+)|([A-Za-z][\w-]*)?:([\w-]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]+)/g;

  const editor = document.getElementById("query");
  const mirror = document.getElementById("highlight");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const runButton = document.getElementById("run");
  const examples = JSON.parse(document.getElementById("example-data").textContent);

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function highlight(text) {
    let html = "", last = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      html += escapeHtml(text.slice(last, match.index));
      const [whole, comment, string, iri, variable, prefix, , number, word] = match;
      let cls = null;
      if (comment) cls = "comment";
      else if (string) cls = "string";
      else if (iri) cls = "iri";
      else if (variable) cls = "variable";
      else if (prefix !== undefined || whole.includes(":")) cls = "prefixed";
      else if (number) cls = "number";
      else if (word && KEYWORDS.has(word.toUpperCase())) cls = "keyword";
      html += cls ? `<span class="tok-${cls}">${escapeHtml(whole)}</span>` : escapeHtml(whole);
      last = match.index + whole.length;
    }
    return html + escapeHtml(text.slice(last)) + "\n";
  }

  function refresh() {
    mirror.innerHTML = highlight(editor.value);
    mirror.parentElement.scrollTop = editor.scrollTop;
    mirror.parentElement.scrollLeft = editor.scrollLeft;
  }

  function queryForm(text) {
    const code = text.replace(/#[^\n]*/g, "").replace(/<[^>]*>/g, "").replace(/"[^"]*"/g, "");
    const match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(code);
    return match ? match[1].toUpperCase() : "SELECT";
  }

  function downloadLinks(query, isGraph) {
    document.getElementById("downloads").hidden = isGraph;
    document.getElementById("graph-downloads").hidden = !isGraph;
    const box = document.getElementById(isGraph ? "graph-downloads" : "downloads");
    for (const link of box.querySelectorAll("a")) {
      const params = new URLSearchParams({ query: query, format: link.dataset.format, download: "1" });
      link.href = "sparql?" + params.toString();
    }
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = term.value;
      link.title = "Describe this resource";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        editor.value = "DESCRIBE <" + term.value + ">";
        refresh();
        run();
      });
      td.appendChild(link);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
    }
    return td;
  }

  function showTable(data) {
    results.innerHTML = "";
    if (data.boolean !== undefined) {
      status.textContent = "ASK: " + data.boolean;
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of vars) row.appendChild(cell(binding[name]));
    }
    results.appendChild(table);
  }

  async function run() {
    const query = editor.value;
    const isGraph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(query));
    runButton.disabled = true;
    status.className = "status";
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const response = await fetch("sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   "Accept": isGraph ? "text/turtle" : "application/sparql-results+json" },
        body: query,
      });
      const text = await response.text();
      if (!response.ok) {
        let message = text;
        try { message = JSON.parse(text).error.message; } catch (ignored) { /* plain text error */ }
        status.className = "status error";
        status.textContent = `Error ${response.status}: ${message}`;
        results.innerHTML = "";
        return;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (isGraph) {
        results.innerHTML = "";
        const pre = document.createElement("pre");
        pre.className = "graph";
        pre.textContent = text;
        results.appendChild(pre);
        status.textContent = `Graph returned in ${seconds} s.`;
      } else {
        const data = JSON.parse(text);
        showTable(data);
        if (data.results) status.textContent = `${data.results.bindings.length} rows in ${seconds} s.`;
      }
      downloadLinks(query, isGraph);
    } catch (error) {
      status.className = "status error";
      status.textContent = "The endpoint could not be reached: " + error;
    } finally {
      runButton.disabled = false;
    }
  }

  document.getElementById("examples").addEventListener("change", (event) => {
    const chosen = examples.find((example) => example.name === event.target.value);
    if (chosen) {
      editor.value = chosen.sparql;
      refresh();
    }
  });
  editor.addEventListener("input", refresh);
  editor.addEventListener("scroll", refresh);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab") {
      event.preventDefault();
      const start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
      refresh();
    }
  });
  runButton.addEventListener("click", run);
  refresh();
})();
