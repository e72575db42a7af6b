// Data explorer: the catalogue with coverage; one series with its chart, figures and sources.
"use strict";
(function () {
  const R = window.roxham, C = window.roxhamCharts;
  let catalogue = [];

  function renderCatalogue() {
    const f = document.getElementById("series-filter").value.trim().toLowerCase();
    const body = document.querySelector("#catalogue tbody");
    body.replaceChildren();
    catalogue.filter(function (c) {
      return !f || (c.measure + " " + c.series + " " + c.title + " " + c.geography + " " + c.geography_name + " " + c.grades).toLowerCase().indexOf(f) >= 0;
    }).forEach(function (c) {
      const tr = R.el("tr", { "data-series": c.series, "data-geo": c.geography, class: "opens-series" });
      tr.addEventListener("click", function (e) {
        if (e.target.closest("a")) return;  // the link handles itself
        open(c.series, c.geography, true);
      });
      tr.appendChild(R.el("td", {}, c.measure));
      const td = R.el("td");
      const a = R.el("a", { href: "/data?series=" + encodeURIComponent(c.series) + "&geography=" + encodeURIComponent(c.geography), class: "open-series" }, c.title || c.series);
      a.addEventListener("click", function (e) { e.preventDefault(); open(c.series, c.geography, true); });
      td.appendChild(a); td.appendChild(R.el("br")); td.appendChild(R.el("code", {}, c.series));
      tr.appendChild(td);
      tr.appendChild(R.el("td", {}, c.geography_name + " (" + c.geography + ")"));
      tr.appendChild(R.el("td", { class: "grade grade-" + c.best_grade }, c.grades));
      tr.appendChild(R.el("td", {}, (c.first || "?") + " → " + (c.last || "?") + (c.n_months ? " · " + c.n_months + " mo" : "")));
      tr.appendChild(R.el("td", {}, c.n_figures));
      tr.appendChild(R.el("td", {}, c.n_sources));
      body.appendChild(tr);
    });
  }

  async function open(name, geo, push) {
    const url = "/api/v1/data/series/" + encodeURIComponent(name) + (geo ? "?geography=" + encodeURIComponent(geo) : "");
    const r = await R.api("GET", url);
    if (!r.ok) return;
    if (push) history.pushState(null, "", "/data?series=" + encodeURIComponent(name) + (geo ? "&geography=" + encodeURIComponent(geo) : ""));
    const d = r.data;
    document.getElementById("series-view").hidden = false;
    document.getElementById("series-title").textContent = (d.info.title || name) + (geo ? " — " + geo : "") + (d.info.unit ? " (" + d.info.unit + ")" : "");
    document.getElementById("series-notes").textContent = d.info.notes || "";
    const traces = [];
    let missing = 0;
    if (d.monthly) {
      const m = d.monthly;
      missing = m.filter(function (row) { return row.missing; }).length;
      traces.push({ x: m.map(function (row) { return row.month; }), y: m.map(function (row) { return row.value; }),
        type: "scatter", mode: "lines+markers", connectgaps: false, name: name,
        text: m.map(function (row) { return row.source_note || ""; }), hovertemplate: "%{x}: %{y}<extra></extra>" });
      const conf = m.filter(function (row) { return row.conflict; });
      if (conf.length) traces.push({ x: conf.map(function (row) { return row.month; }), y: conf.map(function (row) { return row.value; }),
        type: "scatter", mode: "markers", marker: { symbol: "circle-open", size: 12, color: "#d62728" }, name: R.lang() === "fr" ? "sources en désaccord" : "sources disagree" });
    } else {
      const by = {};
      d.figures.forEach(function (f) { (by[f.period_kind] = by[f.period_kind] || []).push(f); });
      Object.keys(by).forEach(function (k) {
        traces.push({ x: by[k].map(function (f) { return f.start; }), y: by[k].map(function (f) { return f.value; }),
          type: "scatter", mode: "markers", name: k });
      });
    }
    C.plot("series-chart", traces, "", d.info.unit || "");
    document.getElementById("series-missing").textContent = missing ? (R.lang() === "fr" ? missing + " mois sans chiffre (non comblés)." : missing + " month(s) without a figure (not filled in).") : "";
    const body = document.querySelector("#figures tbody");
    body.replaceChildren();
    d.figures.forEach(function (f) {
      const tr = R.el("tr");
      tr.appendChild(R.el("td", {}, f.period_text + (f.geography !== geo ? " · " + f.geography : "") + (f.subgroup && f.subgroup !== "all" ? " · " + f.subgroup : "")));
      tr.appendChild(R.el("td", { class: "num" }, (f.approx ? "≈ " : "") + f.value_text));
      tr.appendChild(R.el("td", {}, f.grade));
      tr.appendChild(R.el("td", {}, f.release ? f.release + " · " + f.vintage : f.vintage));
      const td = R.el("td");
      const a = R.el("a", { href: f.source_url, rel: "noreferrer", class: "source-link" }, f.source_note || f.source_url);
      td.appendChild(a); tr.appendChild(td); body.appendChild(tr);
    });
    const ul = document.getElementById("sources");
    ul.replaceChildren();
    d.sources.forEach(function (s) {
      const li = R.el("li");
      li.appendChild(R.el("a", { href: s.source_url, rel: "noreferrer" }, s.source_url));
      li.appendChild(document.createTextNode(" — " + s.n_figures + " " + (R.lang() === "fr" ? "chiffres" : "figures") + (s.first ? ", " + s.first + " → " + s.last : "")));
      ul.appendChild(li);
    });
  }

  document.addEventListener("DOMContentLoaded", async function () {
    const r = await R.api("GET", "/api/v1/data/series");
    catalogue = r.ok ? r.data : [];
    renderCatalogue();
    document.getElementById("series-filter").addEventListener("input", renderCatalogue);
    const q = new URLSearchParams(location.search);
    if (q.get("series")) open(q.get("series"), q.get("geography"), false);
  });
})();
