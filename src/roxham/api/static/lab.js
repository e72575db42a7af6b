// Scenario lab: levers, background runs with progress, chart with bands vs observed,
// difference from a named baseline run, saved runs.
"use strict";
(function () {
  const R = window.roxham, C = window.roxhamCharts;
  let scenarios = [], runs = [], current = null, poll = null, focus = null;

  // Every string this page writes, in both languages (tests/browser checks none is missing).
  const TXT = {
    queued: ["queued", "en attente"], running: ["running", "en cours"],
    done: ["done", "terminée"], failed: ["failed", "échouée"],
    open: ["Open", "Ouvrir"], set_by_model: ["set by the model", "fixé par le modèle"],
    simulated: ["simulated", "simulé"], observed: ["observed", "observé"],
    band: ["5–95 % band", "bande 5–95 %"],
    no_baseline: ["No finished baseline run to compare with.", "Aucune exécution de référence terminée."],
    baseline: ["Baseline: ", "Référence : "], difference: ["Difference: ", "Écart : "],
    total: ["total over the period", "total sur la période"],
    end_level: ["difference at the end", "écart à la fin"],
    per_month: ["people per month", "personnes par mois"],
    pending_unit: ["claims pending (month end)", "demandes en attente (fin de mois)"],
    diff_unit: ["difference, ", "écart, "],
    diff_band: ["≈ 5–95 % band (from both runs' bands)", "bande 5–95 % ≈ (d'après les deux bandes)"],
    people: ["people", "personnes"],
    auto_baseline: ["Running the baseline automatically (same seed and replicates)…",
      "Exécution automatique de la référence (même graine et mêmes répétitions)…"],
    auto_label: ["baseline (automatic)", "référence (automatique)"],
    is_baseline: ["This run is the baseline itself; run a scenario to see its difference.",
      "Cette exécution est la référence elle-même ; lancez un scénario pour voir son écart."],
    reproduce_file: [": the scenario with the levers chosen", " : le scénario avec les leviers choisis"],
    manifest: ["Manifest", "Manifeste"],
    building: ["building the scenario", "construction du scénario"],
    replicate: ["replicate", "répétition"], day: ["day", "jour"],
  };
  function tx(key) { const v = TXT[key]; return R.lang() === "fr" ? v[1] : v[0]; }
  window.roxhamLabText = TXT;  // for the translation test
  // The baseline this page starts is saved under a fixed label, shown in the page's language.
  const AUTO_LABEL = "auto-baseline";
  function label(run) { return run.params.label === AUTO_LABEL ? tx("auto_label") : (run.params.label || ""); }
  function statusText(st) { return TXT[st] ? tx(st) : st; }
  function messageText(msg) {  // the server's progress messages, in the page's language
    if (!msg) return "";
    if (msg === "building the scenario") return tx("building");
    const m = /^(replicate|day) (\d+)\/(\d+)$/.exec(msg);
    return m ? tx(m[1]) + " " + m[2] + "/" + m[3] : msg;
  }
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
    agents.placeholder = s.agents_adjustable ? "" : tx("set_by_model");
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
      tr_.appendChild(R.el("td", {}, label(run)));
      tr_.appendChild(R.el("td", { class: "status-" + run.status, "data-status": run.status }, statusText(run.status)));
      const td = R.el("td");
      const b = R.el("button", { type: "button", class: "open-run" }, tx("open"));
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
      document.getElementById("run-message").textContent = run.error || (run.message !== run.status ? messageText(run.message) : "") || "";
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
    fillForm(r.data);
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

  function unit(name) { return name.indexOf("irb_pending") === 0 ? tx("pending_unit") : tx("per_month"); }
  function isLevel(name) { return name.indexOf("irb_pending") === 0; }
  function fmt(x) { return (x > 0 ? "+" : "") + Math.round(x).toLocaleString(R.lang() === "fr" ? "fr-CA" : "en-CA"); }

  async function drawMain() {
    if (!current) return;
    const name = document.getElementById("series-pick").value;
    const s = current.results.series.find(function (x) { return x.name === name; });
    if (!s) return;
    const traces = C.band(name, s.period, s.lo, s.hi, "rgba(31,119,180,0.25)", tx("band"));
    traces.push({ x: s.period, y: s.mean, type: "scatter", mode: "lines", name: tx("simulated") + " — " + name, line: { color: "#1f77b4" } });
    const spec = scen(current.scenario);
    const obs = spec ? spec.observed.filter(function (o) { return o[2] === name; }) : [];
    for (const o of obs) {
      const d = await observed(o[0], o[1]);
      if (d) {
        const m = d.monthly.filter(function (row) { return !row.missing; });
        traces.push({ x: m.map(function (row) { return row.month; }), y: m.map(function (row) { return row.value; }),
          type: "scatter", mode: "markers", name: tx("observed") + " — " + o[0] + " " + o[1], marker: { color: "#d62728", size: 6 } });
      }
    }
    C.plot("chart", traces, current.scenario + " — " + name, unit(name));
  }

  // The run the difference is taken from: a finished run of the scenario's baseline with the
  // baseline's own levers and this run's seed, replicates and agents (paired), else any other
  // finished run; the choice in the baseline list wins once the user made one.
  function atDefaults(levers, defaults) {
    return Object.keys(defaults).every(function (k) { return JSON.stringify((levers || {})[k]) === JSON.stringify(defaults[k]); });
  }
  function baselineFor(run) {
    const spec = scen(run.scenario);
    const baseName = spec ? spec.baseline : "historical";
    const base = scen(baseName);
    const defaults = {};
    if (base) base.levers.forEach(function (lv) { defaults[lv.key] = lv.default; });
    function paired(x) {
      return x.scenario === baseName && x.params.seed === run.params.seed &&
        x.params.replicates === run.params.replicates && x.params.agents === run.params.agents &&
        atDefaults(x.params.levers, defaults);
    }
    const others = runs.filter(function (x) { return x.id !== run.id; });
    return { name: baseName, defaults: defaults,
      done: others.filter(function (x) { return x.status === "done" && paired(x); }),
      pending: others.filter(function (x) { return (x.status === "queued" || x.status === "running") && paired(x); }) };
  }

  let autoBaseline = null;  // id of the baseline run this page started
  async function ensureBaseline(run) {
    const b = baselineFor(run);
    if (run.scenario === b.name && atDefaults(run.params.levers, b.defaults)) return null;
    if (b.done.length) return b.done[0].id;
    let id = b.pending.length ? b.pending[0].id : null;
    if (!id) {
      const body = { scenario: b.name, levers: {}, seed: run.params.seed, replicates: run.params.replicates, label: AUTO_LABEL };
      const spec = scen(b.name);
      if (spec && spec.agents_adjustable) body.agents = run.params.agents;
      const r = await R.api("POST", "/api/v1/runs", body);
      if (r.status !== 202) return null;
      id = r.data.id;
      await loadRuns();
    }
    autoBaseline = id;
    document.getElementById("baseline-note").textContent = tx("auto_baseline");
    const forRun = run.id;
    async function wait() {
      const r = await R.api("GET", "/api/v1/runs/" + id);
      if (!r.ok || r.data.status === "failed") return;
      if (r.data.status !== "done") { setTimeout(wait, 400); return; }
      await loadRuns();
      if (current && current.id === forRun) { fillBaselines(current, id); drawDiff(); }
    }
    wait();
    return "pending";
  }

  function fillBaselines(run, prefer) {
    const bp = document.getElementById("baseline-pick");
    const keep = prefer || bp.value;
    bp.replaceChildren();
    const b = baselineFor(run);
    const candidates = runs.filter(function (x) { return x.status === "done" && x.id !== run.id; });
    const rank = function (x) { return b.done.indexOf(x) >= 0 ? 0 : x.scenario === b.name ? 1 : 2; };
    candidates.sort(function (x, y) { return rank(x) - rank(y); });
    candidates.forEach(function (x) { bp.appendChild(R.el("option", { value: x.id }, x.scenario + " " + label(x) + " " + x.id.slice(0, 8))); });
    if (keep && candidates.some(function (x) { return x.id === keep; })) bp.value = keep;
  }

  async function drawDiff() {
    const note = document.getElementById("baseline-note");
    const total = document.getElementById("diff-total");
    const bid = document.getElementById("baseline-pick").value;
    const name = document.getElementById("series-pick").value;
    total.textContent = "";
    if (!current || !bid) {
      const b = current ? baselineFor(current) : null;
      const selfBase = current && b && current.scenario === b.name && atDefaults(current.params.levers, b.defaults);
      if (!(current && autoBaseline && note.textContent === tx("auto_baseline"))) note.textContent = tx(selfBase ? "is_baseline" : "no_baseline");
      window.Plotly.purge("diff-chart"); return;
    }
    const r = await R.api("GET", "/api/v1/runs/" + bid);
    if (!r.ok || !r.data.results) return;
    const a = current.results.series.find(function (x) { return x.name === name; });
    const b = r.data.results.series.find(function (x) { return x.name === name; });
    if (!a || !b) { note.textContent = "—"; window.Plotly.purge("diff-chart"); return; }
    const bi = {}; b.period.forEach(function (p, i) { bi[p] = i; });
    const x = [], y = [], lo = [], hi = [];
    a.period.forEach(function (p, i) {
      const j = bi[p];
      if (j === undefined || a.mean[i] === null || b.mean[j] === null) return;
      const d = a.mean[i] - b.mean[j];
      // half-widths of the two bands combined as if independent (the API keeps no replicates)
      const w = Math.sqrt(Math.pow((a.hi[i] - a.lo[i]) / 2, 2) + Math.pow((b.hi[j] - b.lo[j]) / 2, 2));
      x.push(p); y.push(d); lo.push(d - w); hi.push(d + w);
    });
    note.textContent = tx("baseline") + r.data.scenario + " " + label(r.data) + " (" + bid.slice(0, 8) + ")";
    const sum = isLevel(name) ? (y.length ? y[y.length - 1] : 0) : y.reduce(function (t, v) { return t + v; }, 0);
    total.textContent = (isLevel(name) ? tx("end_level") : tx("total")) + (R.lang() === "fr" ? " : " : ": ") + fmt(sum) + " " + (isLevel(name) ? unit(name) : tx("people"));
    total.dataset.value = String(sum);
    const traces = C.band("Δ " + name, x, lo, hi, "rgba(44,160,44,0.22)", tx("diff_band"));
    traces.push({ x: x, y: y, type: "scatter", mode: "lines", name: "Δ " + name, line: { color: "#2ca02c" } });
    C.plot("diff-chart", traces, tx("difference") + name + " — " + fmt(sum), tx("diff_unit") + unit(name), true);
  }

  // Opening a run puts its scenario, levers, seed, replicates, agents and label in the form.
  function fillForm(run) {
    const sel = document.getElementById("scenario");
    if (!scen(run.scenario)) return;
    sel.value = run.scenario;
    renderLevers();
    document.querySelectorAll("[data-lever]").forEach(function (i) {
      const v = run.params.levers ? run.params.levers[i.dataset.lever] : undefined;
      if (v === undefined) return;
      if (i.dataset.kind === "bool") i.checked = !!v; else i.value = v === null ? "" : v;
    });
    document.getElementById("seed").value = run.params.seed;
    document.getElementById("replicates").value = run.params.replicates;
    const ag = document.getElementById("agents");
    if (!ag.disabled && run.params.agents) ag.value = run.params.agents;
    document.getElementById("label").value = run.params.label === AUTO_LABEL ? "" : (run.params.label || "");
  }

  async function show(run) {
    current = run;
    document.getElementById("run-view").hidden = false;
    document.getElementById("run-title").textContent = run.scenario + (run.params.label ? " — " + label(run) : "") + " (" + run.id.slice(0, 8) + ")";
    const pick = document.getElementById("series-pick");
    pick.replaceChildren();
    const spec = scen(run.scenario);
    const withObs = spec ? spec.observed.map(function (o) { return o[2]; }) : [];
    // the model's inputs (input_*) are not results: not offered
    const shown = run.results.series.filter(function (s) { return s.name.indexOf("input_") !== 0; });
    shown.forEach(function (s) { pick.appendChild(R.el("option", { value: s.name }, s.name)); });
    const names = shown.map(function (s) { return s.name; });
    const first = withObs.find(function (n) { return names.indexOf(n) >= 0; });
    if (first) pick.value = first;
    fillBaselines(run);
    const m = run.results.manifest || {};
    const lines = [];
    if (m.overrides !== undefined) {
      const file = "lab-" + run.id.slice(0, 8) + ".yaml";
      lines.push("# " + file + tx("reproduce_file"));
      lines.push("extends: " + run.scenario, "name: lab-" + run.id.slice(0, 8));
      Object.keys(m.overrides).forEach(function (k) { lines.push(k + ": " + JSON.stringify(m.overrides[k])); });
      lines.push("", "roxham run " + file + " --seed " + run.params.seed + " --replicates " + run.params.replicates, "");
    }
    lines.push("# REST API", "curl -s -X POST http://" + location.host + "/api/v1/runs -H 'Content-Type: application/json' -d '" +
      JSON.stringify(Object.assign({ scenario: run.scenario, levers: run.params.levers, seed: run.params.seed, replicates: run.params.replicates },
        spec && spec.agents_adjustable ? { agents: run.params.agents } : {})) + "'", "");
    lines.push("# " + tx("manifest") + (m.scenario_hash ? " (scenario hash " + m.scenario_hash + ")" : ""));
    lines.push(JSON.stringify(m, null, 2));
    document.getElementById("run-repro").textContent = lines.join("\n");
    drawMain();
    const auto = await ensureBaseline(run);
    if (auto && auto !== "pending") { fillBaselines(run, auto); }
    if (auto !== "pending") drawDiff();
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
    document.addEventListener("roxham:lang", function () {
      const s = scen(sel.value);
      if (s) document.getElementById("scenario-description").textContent = tr(s, "description");
      const ag = document.getElementById("agents");
      if (ag.disabled) ag.placeholder = tx("set_by_model");
      loadRuns();
      const st = document.getElementById("run-state");
      if (st.dataset.status) st.textContent = statusText(st.dataset.status);
      if (current) { fillBaselines(current); drawMain(); drawDiff(); }
    });
    await loadRuns();
  });
})();
