// Scenario lab: levers, background runs with progress, chart with bands vs observed,
// difference from a named baseline run, saved runs.
"use strict";
(function () {
  const R = window.roxham, C = window.roxhamCharts;
  let scenarios = [], runs = [], current = null, poll = null, focus = null;

  const STATUS_FR = { queued: "en attente", running: "en cours", done: "terminée", failed: "échouée" };
  function statusText(st) { return R.lang() === "fr" ? (STATUS_FR[st] || st) : st; }
  function scen(name) { return scenarios.find(function (s) { return s.name === name; }); }
  function tr(obj, base) { return R.lang() === "fr" ? (obj[base + "_fr"] || obj[base + "_en"]) : obj[base + "_en"]; }

  function renderLevers() {
    const s = scen(document.getElementById("scenario").value);
    const box = document.getElementById("levers");
    box.replaceChildren();
    if (!s) return;
    document.getElementById("scenario-description").textContent = tr(s, "description");
    const agents = document.getElementById("agents");
    agents.value = s.agents_adjustable ? s.default_agents : "";
    agents.disabled = !s.agents_adjustable;
    agents.placeholder = s.agents_adjustable ? "" : (R.lang() === "fr" ? "fixé par le modèle" : "set by the model");
    s.levers.forEach(function (lv) {
      const id = "lever-" + lv.key;
      const wrap = R.el("div", { class: "q" });
      const label = R.el("label", { for: id });
      label.appendChild(R.both(lv.en, lv.fr));
      let input;
      if (lv.kind === "bool") {
        input = R.el("input", { type: "checkbox", id: id });
        input.checked = !!lv.default;
      } else if (lv.kind === "select") {
        input = R.el("select", { id: id });
        lv.options.forEach(function (o) { const op = R.el("option", { value: o }, o); if (o === lv.default) op.selected = true; input.appendChild(op); });
      } else {
        input = R.el("input", { id: id, type: lv.kind === "date" ? "date" : "number" });
        if (lv.kind !== "date") {
          input.step = lv.kind === "int" ? "1" : "any";
          if (lv.min !== null) input.min = lv.min;
          if (lv.max !== null) input.max = lv.max;
        }
        input.value = lv.default === null ? "" : lv.default;
      }
      input.dataset.lever = lv.key; input.dataset.kind = lv.kind;
      if (lv.kind === "bool") { label.prepend(input); label.className = "check"; wrap.appendChild(label); }
      else { wrap.appendChild(label); wrap.appendChild(input); }
      wrap.appendChild(R.el("small", { class: "field-error" }));
      box.appendChild(wrap);
    });
  }

  function leverValues() {
    const out = {};
    document.querySelectorAll("[data-lever]").forEach(function (i) {
      const k = i.dataset.kind;
      if (k === "bool") out[i.dataset.lever] = i.checked;
      else if (k === "int" || k === "float") out[i.dataset.lever] = i.value === "" ? null : Number(i.value);
      else out[i.dataset.lever] = i.value;
    });
    return out;
  }

  async function loadRuns() {
    const r = await R.api("GET", "/api/v1/runs?limit=100");
    runs = r.ok ? r.data : [];
    const body = document.querySelector("#runs-table tbody");
    body.replaceChildren();
    runs.forEach(function (run) {
      const tr_ = R.el("tr", { "data-run": run.id });
      tr_.appendChild(R.el("td", {}, (run.created_at || "").replace("T", " ").slice(0, 19)));
      tr_.appendChild(R.el("td", {}, run.scenario));
      tr_.appendChild(R.el("td", {}, run.params.label || ""));
      tr_.appendChild(R.el("td", { class: "status-" + run.status, "data-status": run.status }, statusText(run.status)));
      const td = R.el("td");
      const b = R.el("button", { type: "button", class: "open-run" }, R.lang() === "fr" ? "Ouvrir" : "Open");
      b.addEventListener("click", function () { openRun(run.id); });
      td.appendChild(b); tr_.appendChild(td); body.appendChild(tr_);
    });
  }

  function showError(msg) {
    const e = document.getElementById("lab-error");
    e.textContent = msg; e.hidden = !msg;
  }

  async function submit(ev) {
    ev.preventDefault(); showError("");
    const body = {
      scenario: document.getElementById("scenario").value,
      levers: leverValues(),
      seed: Number(document.getElementById("seed").value || 1),
      replicates: Number(document.getElementById("replicates").value || 1),
      agents: document.getElementById("agents").disabled ? null : (Number(document.getElementById("agents").value) || null),
      label: document.getElementById("label").value,
    };
    const r = await R.api("POST", "/api/v1/runs", body);
    if (r.status !== 202) { showError("HTTP " + r.status + ": " + R.errorText(r.data)); return; }
    watch(r.data.id);
  }

  function watch(id) {
    if (poll) clearTimeout(poll);
    focus = id;
    document.getElementById("run-status").hidden = false;
    document.getElementById("run-state").textContent = statusText("queued");
    document.getElementById("run-progress").value = 0;
    async function tick() {
      if (focus !== id) { loadRuns(); return; }  // the user opened another run meanwhile
      const r = await R.api("GET", "/api/v1/runs/" + id);
      if (focus !== id) { loadRuns(); return; }
      if (!r.ok) { showError("HTTP " + r.status); return; }
      const run = r.data;
      document.getElementById("run-state").textContent = statusText(run.status);
      document.getElementById("run-state").dataset.status = run.status;
      document.getElementById("run-message").textContent = run.error || (run.message !== run.status ? run.message : "") || "";
      document.getElementById("run-progress").value = run.progress;
      if (run.status === "done") { await loadRuns(); show(run); return; }
      if (run.status === "failed") { await loadRuns(); return; }
      poll = setTimeout(tick, 400);
    }
    tick();
  }

  async function openRun(id) {
    focus = id;
    const r = await R.api("GET", "/api/v1/runs/" + id);
    if (!r.ok) return;
    document.getElementById("run-status").hidden = false;
    document.getElementById("run-state").textContent = statusText(r.data.status);
    document.getElementById("run-state").dataset.status = r.data.status;
    document.getElementById("run-progress").value = r.data.progress;
    document.getElementById("run-message").textContent = r.data.error || "";
    if (r.data.status === "done") show(r.data); else if (r.data.status !== "failed") watch(id);
  }

  const observedCache = {};
  async function observed(name, geo) {
    const key = name + "|" + geo;
    if (!(key in observedCache)) {
      const r = await R.api("GET", "/api/v1/data/series/" + encodeURIComponent(name) + "?geography=" + encodeURIComponent(geo));
      observedCache[key] = r.ok && r.data.monthly ? r.data : null;
    }
    return observedCache[key];
  }

  async function drawMain() {
    if (!current) return;
    const name = document.getElementById("series-pick").value;
    const s = current.results.series.find(function (x) { return x.name === name; });
    const traces = C.band(name, s.period, s.lo, s.hi, "rgba(31,119,180,0.25)");
    traces.push({ x: s.period, y: s.mean, type: "scatter", mode: "lines", name: (R.lang() === "fr" ? "simulé" : "simulated") + " — " + name, line: { color: "#1f77b4" } });
    const spec = scen(current.scenario);
    const obs = spec ? spec.observed.filter(function (o) { return o[2] === name; }) : [];
    for (const o of obs) {
      const d = await observed(o[0], o[1]);
      if (d) {
        const m = d.monthly.filter(function (row) { return !row.missing; });
        traces.push({ x: m.map(function (row) { return row.month; }), y: m.map(function (row) { return row.value; }),
          type: "scatter", mode: "markers", name: (R.lang() === "fr" ? "observé" : "observed") + " — " + o[0] + " " + o[1], marker: { color: "#d62728", size: 6 } });
      }
    }
    C.plot("chart", traces, current.scenario + " — " + name, "");
  }

  async function drawDiff() {
    const note = document.getElementById("baseline-note");
    const bid = document.getElementById("baseline-pick").value;
    const name = document.getElementById("series-pick").value;
    if (!current || !bid) { note.textContent = R.lang() === "fr" ? "Aucune exécution de référence terminée." : "No finished baseline run to compare with."; window.Plotly.purge("diff-chart"); return; }
    const r = await R.api("GET", "/api/v1/runs/" + bid);
    if (!r.ok || !r.data.results) return;
    const a = current.results.series.find(function (x) { return x.name === name; });
    const b = r.data.results.series.find(function (x) { return x.name === name; });
    if (!a || !b) { note.textContent = "—"; return; }
    const bm = {}; b.period.forEach(function (p, i) { bm[p] = b.mean[i]; });
    const x = [], y = [];
    a.period.forEach(function (p, i) { if (p in bm && a.mean[i] !== null && bm[p] !== null) { x.push(p); y.push(a.mean[i] - bm[p]); } });
    note.textContent = (R.lang() === "fr" ? "Référence : " : "Baseline: ") + r.data.scenario + " " + (r.data.params.label || "") + " (" + bid.slice(0, 8) + ")";
    C.plot("diff-chart", [{ x: x, y: y, type: "scatter", mode: "lines", name: "Δ " + name, line: { color: "#2ca02c" } }],
      (R.lang() === "fr" ? "Écart : " : "Difference: ") + name, "Δ");
  }

  function show(run) {
    current = run;
    document.getElementById("run-view").hidden = false;
    document.getElementById("run-title").textContent = run.scenario + (run.params.label ? " — " + run.params.label : "") + " (" + run.id.slice(0, 8) + ")";
    const pick = document.getElementById("series-pick");
    pick.replaceChildren();
    const spec = scen(run.scenario);
    const withObs = spec ? spec.observed.map(function (o) { return o[2]; }) : [];
    run.results.series.forEach(function (s) { pick.appendChild(R.el("option", { value: s.name }, s.name)); });
    const names = run.results.series.map(function (s) { return s.name; });
    const first = withObs.find(function (n) { return names.indexOf(n) >= 0; });
    if (first) pick.value = first;
    const baseName = spec ? spec.baseline : "historical";
    const bp = document.getElementById("baseline-pick");
    bp.replaceChildren();
    const candidates = runs.filter(function (x) { return x.status === "done" && x.id !== run.id; });
    candidates.sort(function (x, y) { return (x.scenario === baseName ? 0 : 1) - (y.scenario === baseName ? 0 : 1); });
    candidates.forEach(function (x) { bp.appendChild(R.el("option", { value: x.id }, x.scenario + " " + (x.params.label || "") + " " + x.id.slice(0, 8))); });
    const m = run.results.manifest || {};
    const lines = [];
    if (m.overrides !== undefined) {
      const file = "lab-" + run.id.slice(0, 8) + ".yaml";
      lines.push("# " + file + (R.lang() === "fr" ? " : le scénario avec les leviers choisis" : ": the scenario with the levers chosen"));
      lines.push("extends: " + run.scenario, "name: lab-" + run.id.slice(0, 8));
      Object.keys(m.overrides).forEach(function (k) { lines.push(k + ": " + JSON.stringify(m.overrides[k])); });
      lines.push("", "roxham run " + file + " --seed " + run.params.seed + " --replicates " + run.params.replicates, "");
    }
    lines.push("# REST API", "curl -s -X POST http://" + location.host + "/api/v1/runs -H 'Content-Type: application/json' -d '" +
      JSON.stringify(Object.assign({ scenario: run.scenario, levers: run.params.levers, seed: run.params.seed, replicates: run.params.replicates },
        spec && spec.agents_adjustable ? { agents: run.params.agents } : {})) + "'", "");
    lines.push("# " + (R.lang() === "fr" ? "Manifeste" : "Manifest") + (m.scenario_hash ? " (scenario hash " + m.scenario_hash + ")" : ""));
    lines.push(JSON.stringify(m, null, 2));
    document.getElementById("run-repro").textContent = lines.join("\n");
    drawMain(); drawDiff();
  }

  document.addEventListener("DOMContentLoaded", async function () {
    const r = await R.api("GET", "/api/v1/scenarios");
    scenarios = r.ok ? r.data : [];
    const sel = document.getElementById("scenario");
    scenarios.forEach(function (s) { sel.appendChild(R.el("option", { value: s.name, "data-en": s.title_en, "data-fr": s.title_fr }, tr(s, "title"))); });
    document.getElementById("no-scenarios").hidden = scenarios.length > 0;
    document.getElementById("run-submit").disabled = scenarios.length === 0;
    sel.addEventListener("change", renderLevers);
    renderLevers();
    document.getElementById("lab-form").addEventListener("submit", submit);
    document.getElementById("series-pick").addEventListener("change", function () { drawMain(); drawDiff(); });
    document.getElementById("baseline-pick").addEventListener("change", drawDiff);
    document.addEventListener("roxham:lang", function () { const s = scen(sel.value); if (s) document.getElementById("scenario-description").textContent = tr(s, "description"); loadRuns(); });
    await loadRuns();
  });
})();
