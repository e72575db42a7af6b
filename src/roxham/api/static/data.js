// Data explorer: the catalogue with coverage; one series with its chart, figures and sources.
"use strict";
(function () {
  const R = window.roxham, C = window.roxhamCharts;
  let catalogue = [];

  // Every string this page writes, in both languages (tests/browser/test_french.py reads it).
  const TXT = {
    disagree: ["sources disagree", "sources en désaccord"],
    missing: ["{n} month(s) without a figure (not filled in).", "{n} mois sans chiffre (non comblés)."],
    figures: ["figures", "chiffres"], months: ["mo", "mois"],
    label_note: ["Series names and notes are the data catalogue's, in English.",
      "Les noms et notes des séries sont ceux du catalogue de données, en anglais."],
  };
  // Geographies and units of the catalogue (roxham.data gives them in English).
  const GEO = {
    "AB": ["Alberta", "Alberta"], "BC": ["British Columbia", "Colombie-Britannique"],
    "CA": ["Canada", "Canada"],
    "CA-OTHER": ["Canada, provinces other than Quebec, Manitoba and British Columbia", "Canada, provinces autres que le Québec, le Manitoba et la Colombie-Britannique"],
    "MB": ["Manitoba", "Manitoba"], "NB": ["New Brunswick", "Nouveau-Brunswick"],
    "NL": ["Newfoundland and Labrador", "Terre-Neuve-et-Labrador"],
    "NOT_STATED": ["Canada, province/territory of claim not stated (IRCC)", "Canada, province ou territoire de la demande non précisé (IRCC)"],
    "NS": ["Nova Scotia", "Nouvelle-Écosse"], "NT": ["Northwest Territories", "Territoires du Nord-Ouest"],
    "NU": ["Nunavut", "Nunavut"], "ON": ["Ontario", "Ontario"], "PE": ["Prince Edward Island", "Île-du-Prince-Édouard"],
    "QC": ["Quebec", "Québec"], "SK": ["Saskatchewan", "Saskatchewan"], "YT": ["Yukon", "Yukon"],
    "US-BLAINE": ["Blaine sector", "secteur de Blaine"], "US-BUFFALO": ["Buffalo sector", "secteur de Buffalo"],
    "US-DETROIT": ["Detroit sector", "secteur de Detroit"], "US-GRAND-FORKS": ["Grand Forks sector", "secteur de Grand Forks"],
    "US-HAVRE": ["Havre sector", "secteur de Havre"], "US-HOULTON": ["Houlton sector", "secteur de Houlton"],
    "US-NORTH": ["US northern land border", "frontière terrestre nord des États-Unis"],
    "US-NORTH-EXCL-SWANTON": ["US northern border, sectors other than Swanton", "frontière nord des États-Unis, secteurs autres que Swanton"],
    "US-NORTH-NY": ["US northern land border, New York (state attribution)", "frontière terrestre nord des États-Unis, New York (attribution à l'État)"],
    "US-NORTH-VT": ["US northern land border, Vermont (state attribution)", "frontière terrestre nord des États-Unis, Vermont (attribution à l'État)"],
    "US-NYC": ["New York City", "Ville de New York"], "US-SPOKANE": ["Spokane sector", "secteur de Spokane"],
    "US-SW": ["US southwest land border", "frontière terrestre sud-ouest des États-Unis"],
    "US-SWANTON": ["Swanton sector (Vermont, northeastern New York, New Hampshire)", "secteur de Swanton (Vermont, nord-est de l'État de New York, New Hampshire)"],
  };
  const UNIT = {
    "claims": ["claims", "demandes"], "apprehensions": ["apprehensions", "arrestations"],
    "people intercepted": ["people intercepted", "personnes interceptées"],
    "claims pending": ["claims pending", "demandes en attente"], "encounters": ["encounters", "interpellations"],
    "count": ["count", "nombre"],
  };
  function tx(key) { const v = TXT[key]; return R.lang() === "fr" ? v[1] : v[0]; }
  function pick(table, key, fallback) { const v = table[key]; return v ? (R.lang() === "fr" ? v[1] : v[0]) : fallback; }
  window.roxhamDataText = { text: TXT, geographies: GEO, units: UNIT };
  // A label of the data catalogue (English), kept out of translation.
  function label(tag, text, attrs) {
    const e = R.el(tag, Object.assign({ translate: "no", class: "source-label" }, attrs || {}), text);
    return e;
  }

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
      const a = label("a", c.title || c.series, { href: "/data?series=" + encodeURIComponent(c.series) + "&geography=" + encodeURIComponent(c.geography), class: "open-series source-label" });
      a.addEventListener("click", function (e) { e.preventDefault(); open(c.series, c.geography, true); });
      td.appendChild(a); td.appendChild(R.el("br")); td.appendChild(R.el("code", {}, c.series));
      tr.appendChild(td);
      tr.appendChild(R.el("td", {}, pick(GEO, c.geography, c.geography_name) + " (" + c.geography + ")"));
      tr.appendChild(R.el("td", { class: "grade grade-" + c.best_grade }, c.grades));
      tr.appendChild(R.el("td", {}, (c.first || "?") + " → " + (c.last || "?") + (c.n_months ? " · " + c.n_months + " " + tx("months") : "")));
      tr.appendChild(R.el("td", {}, c.n_figures));
      tr.appendChild(R.el("td", {}, c.n_sources));
      body.appendChild(tr);
    });
  }

  let shown = null;  // [series, geography] on view, redrawn when the language changes
  async function open(name, geo, push) {
    shown = [name, geo];
    const url = "/api/v1/data/series/" + encodeURIComponent(name) + (geo ? "?geography=" + encodeURIComponent(geo) : "");
    const r = await R.api("GET", url);
    if (!r.ok) return;
    if (push) history.pushState(null, "", "/data?series=" + encodeURIComponent(name) + (geo ? "&geography=" + encodeURIComponent(geo) : ""));
    const d = r.data;
    document.getElementById("series-view").hidden = false;
    const title = document.getElementById("series-title");
    title.replaceChildren(label("span", d.info.title || name));
    title.appendChild(document.createTextNode((geo ? " — " + pick(GEO, geo, geo) + " · " + geo : "") + (d.info.unit ? " (" + pick(UNIT, d.info.unit, d.info.unit) + ")" : "")));
    const notes = document.getElementById("series-notes");
    notes.replaceChildren(label("span", d.info.notes || ""));
    notes.appendChild(R.el("span", { class: "label-note" }, " (" + tx("label_note") + ")"));
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
        type: "scatter", mode: "markers", marker: { symbol: "circle-open", size: 12, color: "#d62728" }, name: tx("disagree") });
    } else {
      const by = {};
      d.figures.forEach(function (f) { (by[f.period_kind] = by[f.period_kind] || []).push(f); });
      Object.keys(by).forEach(function (k) {
        traces.push({ x: by[k].map(function (f) { return f.start; }), y: by[k].map(function (f) { return f.value; }),
          type: "scatter", mode: "markers", name: k });
      });
    }
    C.plot("series-chart", traces, "", d.info.unit ? pick(UNIT, d.info.unit, d.info.unit) : "");
    document.getElementById("series-missing").textContent = missing ? tx("missing").replace("{n}", missing) : "";
    const body = document.querySelector("#figures tbody");
    body.replaceChildren();
    d.figures.forEach(function (f) {
      const tr = R.el("tr");
      tr.appendChild(R.el("td", {}, f.period_text + (f.geography !== geo ? " · " + f.geography : "") + (f.subgroup && f.subgroup !== "all" ? " · " + f.subgroup : "")));
      tr.appendChild(R.el("td", { class: "num" }, (f.approx ? "≈ " : "") + f.value_text));
      tr.appendChild(R.el("td", {}, f.grade));
      tr.appendChild(R.el("td", {}, f.release ? f.release + " · " + f.vintage : f.vintage));
      const td = R.el("td");
      const a = label("a", f.source_note || f.source_url, { href: f.source_url, rel: "noreferrer", class: "source-link source-label" });
      td.appendChild(a); tr.appendChild(td); body.appendChild(tr);
    });
    const ul = document.getElementById("sources");
    ul.replaceChildren();
    d.sources.forEach(function (s) {
      const li = R.el("li");
      li.appendChild(label("a", s.source_url, { href: s.source_url, rel: "noreferrer" }));
      li.appendChild(document.createTextNode(" — " + s.n_figures + " " + tx("figures") + (s.first ? ", " + s.first + " → " + s.last : "")));
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
    document.addEventListener("roxham:lang", function () {
      renderCatalogue();
      if (shown) open(shown[0], shown[1], false);
    });
  });
})();
