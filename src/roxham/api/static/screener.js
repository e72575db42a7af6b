// The screener: show follow-up questions as they become relevant, build the facts JSON,
// POST it to /api/v1/screen and show the result. Nothing is stored: no localStorage, no
// cookies, no URL parameters carry the facts.
"use strict";
(function () {
  const R = window.roxham;
  const form = document.getElementById("screener-form");

  // -- conditions: "a=b & c in X|Y & age<18 & flag" ----------------------------------------
  function holds(cond, get) {
    if (!cond) return true;
    return cond.split("&").every(function (raw) {
      const c = raw.trim();
      let m;
      if ((m = c.match(/^([\w.]+)\s+in\s+(.+)$/))) return m[2].split("|").indexOf(get(m[1])) >= 0;
      if ((m = c.match(/^([\w.]+)\s*(!=|<=|>=|<|>|=)\s*(.+)$/))) {
        const v = get(m[1]), w = m[3].trim();
        if (m[2] === "=") return v === w;
        if (m[2] === "!=") return v !== w;
        if (v === "") return false;
        const num = /^-?\d+(\.\d+)?$/.test(w);
        const a = num ? Number(v) : v, b = num ? Number(w) : w;
        if (num && Number.isNaN(a)) return false;
        if (m[2] === "<") return a < b;
        if (m[2] === ">") return a > b;
        if (m[2] === "<=") return a <= b;
        return a >= b;
      }
      return get(c) === "true";
    });
  }
  function valueOf(input) {
    if (!input) return "";
    if (input.type === "checkbox") return input.checked ? "true" : "";
    return input.value.trim();
  }
  function topGet(key) {
    if (key === "as_of_date") return valueOf(document.getElementById("q-as_of_date"));
    return valueOf(form.querySelector('[data-section] > .q > [data-key="' + key + '"], ' +
      '[data-section] > .q > label > [data-key="' + key + '"]'));
  }
  function rowGet(row) {
    return function (key) { return valueOf(row.querySelector('[data-key="' + key + '"]')); };
  }
  function visible(el) { return !el.closest("[hidden]"); }

  function refresh() {
    form.querySelectorAll(":scope > fieldset[data-show-if]").forEach(function (fs) {
      fs.hidden = !holds(fs.dataset.showIf, topGet);
    });
    form.querySelectorAll(":scope > fieldset > .q[data-show-if]").forEach(function (q) {
      q.hidden = !holds(q.dataset.showIf, topGet);
    });
    form.querySelectorAll(".row").forEach(function (row) {
      row.querySelectorAll(".q[data-show-if]").forEach(function (q) {
        q.hidden = !holds(q.dataset.showIf, rowGet(row));
      });
    });
  }

  // -- repeated rows (family members, documents) -----------------------------------------------
  let rowCount = 0;
  function addRow(kind) {
    const tpl = document.getElementById("tpl-" + kind);
    const frag = tpl.content.cloneNode(true);
    const row = frag.querySelector(".row");
    rowCount += 1;
    row.querySelectorAll("[id]").forEach(function (e) {
      const old = e.id; e.id = old + "-" + rowCount;
      const lab = row.querySelector('label[for="' + old + '"]');
      if (lab) lab.htmlFor = e.id;
    });
    row.querySelectorAll("option[data-en]").forEach(function (o) {
      o.textContent = R.lang() === "fr" ? o.dataset.fr : o.dataset.en;
    });
    row.querySelector(".remove-row").addEventListener("click", function () { row.remove(); });
    document.getElementById("rows-" + kind).appendChild(row);
    refresh();
  }
  document.querySelectorAll("[data-add]").forEach(function (b) {
    b.addEventListener("click", function () { addRow(b.dataset.add); });
  });

  // -- facts -------------------------------------------------------------------------------------
  function setPath(obj, key, value) {
    const parts = key.split(".");
    let o = obj;
    for (let i = 0; i < parts.length - 1; i++) {
      if (typeof o[parts[i]] !== "object" || o[parts[i]] === null) o[parts[i]] = {};
      o = o[parts[i]];
    }
    o[parts[parts.length - 1]] = value;
  }
  function convert(input) {
    const kind = input.dataset.kind, v = valueOf(input);
    if (kind === "bool") return v === "true" ? true : undefined;
    if (v === "") return undefined;
    if (kind === "tristate") return v === "true";
    if (kind === "int") return /^-?\d+$/.test(v) ? Number(v) : v;
    if (kind === "countries" || kind === "dates") {
      return v.split(/[\s,;]+/).filter(Boolean).map(function (s) {
        return kind === "countries" ? s.toUpperCase() : s;
      });
    }
    if (kind === "country") return v.toUpperCase();
    return v;
  }
  function collect(scope, obj) {
    scope.querySelectorAll("[data-key]").forEach(function (input) {
      if (!visible(input) || input.closest(".row") !== (scope.classList.contains("row") ? scope : null)) return;
      if (input.dataset.key === "as_of_date") return;
      const v = convert(input);
      if (v !== undefined) setPath(obj, input.dataset.key, v);
    });
    return obj;
  }
  function buildRequest() {
    const facts = collect(form, {});
    if (!Array.isArray(facts.nat)) facts.nat = [];
    if (facts.entries) facts.entries = [facts.entry && facts.entry.date].concat(facts.entries).filter(Boolean);
    if (facts.death_penalty && !facts.death_penalty.status) delete facts.death_penalty;
    ["family", "docs"].forEach(function (kind) {
      const rows = Array.from(document.querySelectorAll('#rows-' + kind + ' .row')).filter(visible);
      if (rows.length) {
        facts[kind] = rows.map(function (row) {
          const o = collect(row, {});
          if (o.permit && !o.permit.type) delete o.permit;
          return o;
        });
      }
    });
    return {
      as_of_date: valueOf(document.getElementById("q-as_of_date")),
      facts: facts,
      lang: R.lang(),
    };
  }

  // -- errors and result ---------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll(".q.invalid").forEach(function (q) { q.classList.remove("invalid"); });
    form.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; });
    const fe = document.getElementById("form-error"); fe.hidden = true; fe.textContent = "";
  }
  function showErrors(data) {
    const general = [];
    (data && data.detail || []).forEach(function (d) {
      const loc = (d.loc || []).slice();
      let q = null;
      if (loc[0] === "body" && loc[1] === "as_of_date") q = document.getElementById("q-as_of_date");
      else if (loc[0] === "body" && loc[1] === "facts") {
        const path = loc.slice(2);
        if ((path[0] === "family" || path[0] === "docs") && typeof path[1] === "number") {
          const rows = Array.from(document.querySelectorAll('#rows-' + path[0] + ' .row')).filter(visible);
          const row = rows[path[1]];
          if (row) q = row.querySelector('[data-key="' + path.slice(2).join(".") + '"]') || row;
        } else {
          for (let n = path.length; n > 0 && !q; n--) {
            q = form.querySelector('[data-key="' + path.slice(0, n).join(".") + '"]');
          }
        }
      }
      const box = q && q.closest(".q");
      if (box && visible(box)) {
        box.classList.add("invalid");
        box.querySelector(".field-error").textContent = d.msg;
      } else {
        general.push(loc.filter(function (p) { return p !== "body"; }).join(".") + ": " + d.msg);
      }
    });
    if (general.length) {
      const fe = document.getElementById("form-error");
      fe.textContent = general.join("; "); fe.hidden = false;
    }
  }
  function fill(list, items, render) {
    list.replaceChildren();
    items.forEach(function (it) { list.appendChild(render(it)); });
  }
  function changeText(c) {
    if (c.text) return c.text;
    if (c.description) return c.description;
    const parts = [];
    ["fact", "field", "key"].forEach(function (k) { if (c[k] !== undefined && !parts.length) parts.push(String(c[k])); });
    if (c.to !== undefined) parts.push("→ " + JSON.stringify(c.to));
    if (c.result_code) parts.push("⇒ " + c.result_code);
    return parts.length ? parts.join(" ") : JSON.stringify(c);
  }
  // Orders in effect, next steps, derived visa facts and the printable summary, under the
  // consequence (built here: the template stays the page layout's).
  function showExtra(res, req, after) {
    let extra = document.getElementById("result-extra");
    if (!extra) {
      extra = R.el("div", { id: "result-extra" });
      after.parentNode.insertBefore(extra, after.nextSibling);
    }
    extra.replaceChildren();
    (res.orders || []).forEach(function (o) {
      extra.appendChild(R.el("p", { class: "order-notice", role: "note" }, "⚠ " + o.text));
    });
    const steps = res.next_steps || [];
    if (steps.length) {
      const h = R.el("h3"); h.appendChild(R.both("Next steps", "Étapes suivantes"));
      extra.appendChild(h);
      const ul = R.el("ul", { id: "result-steps" });
      steps.forEach(function (s) { ul.appendChild(R.el("li", {}, s.text + " (" + s.provision + ")")); });
      extra.appendChild(ul);
    }
    const derived = (res.derived || []).filter(function (d) { return d.value !== null; });
    if (derived.length) {
      const h = R.el("h3"); h.appendChild(R.both("Derived from the visa table (not given)", "Déduit de la table des visas (non fourni)"));
      extra.appendChild(h);
      const ul = R.el("ul", { id: "result-derived" });
      derived.forEach(function (d) {
        const li = R.el("li", { "data-field": d.field, "data-value": String(d.value) });
        if (d.field === "visa_req_ca") {
          li.appendChild(d.value ? R.both("A Canadian visa is needed by the route used", "Un visa canadien est exigé pour la voie empruntée")
            : R.both("No Canadian visa is needed by the route used", "Aucun visa canadien n'est exigé pour la voie empruntée"));
        } else {
          li.appendChild(d.value ? R.both("A US visa is needed", "Un visa américain est exigé")
            : R.both("No US visa is needed", "Aucun visa américain n'est exigé"));
        }
        li.appendChild(document.createTextNode(" — " + d.text));
        ul.appendChild(li);
      });
      extra.appendChild(ul);
    }
    const btn = R.el("button", { type: "button", id: "result-summary" });
    btn.appendChild(R.both("Printable summary (EN/FR)", "Sommaire imprimable (FR/EN)"));
    btn.addEventListener("click", function () {
      fetch("/api/v1/screen/summary", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(req),
      }).then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); }).then(function (html) {
        const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
        window.open(url, "_blank", "noopener");
      }).catch(function () { btn.disabled = true; });
    });
    extra.appendChild(btn);
  }
  function showResult(res, req) {
    const box = document.getElementById("result");
    const code = document.getElementById("result-code");
    code.textContent = res.result_code;
    code.className = "badge " + (res.eligible ? "ok" : "no");
    // The verdict in words before its code (the code stays in #result-code).
    let words = document.getElementById("result-verdict");
    if (!words) {
      words = R.el("span", { id: "result-verdict" });
      code.parentNode.insertBefore(words, code);
    }
    words.replaceChildren(res.eligible
      ? R.both("Eligible to be referred to the Refugee Protection Division ", "Recevable : peut être déférée à la Section de la protection des réfugiés ")
      : R.both("Not eligible to be referred to the Refugee Protection Division ", "Irrecevable : ne peut être déférée à la Section de la protection des réfugiés "));
    // The server writes the consequence in the language of the request.
    const cons = document.getElementById("result-consequence");
    cons.textContent = res.consequence || "";
    showExtra(res, req, cons);
    const ex = document.getElementById("result-explanation");
    ex.replaceChildren(R.withDocLinks(res.explanation));
    fill(document.getElementById("result-provisions"), res.provisions, function (p) {
      const li = R.el("li");
      const a = R.el("a", { href: p.page, target: "_blank", rel: "noopener" }, p.id);
      li.appendChild(a);
      return li;
    });
    const flags = res.flags || [];
    document.getElementById("flags-block").hidden = flags.length === 0;
    fill(document.getElementById("result-flags"), flags, function (f) {
      const li = R.el("li");
      li.appendChild(R.el("a", { href: R.docsHref(f), target: "_blank", rel: "noopener" }, f));
      return li;
    });
    const changes = res.what_would_change;
    fill(document.getElementById("result-changes"), changes.length ? changes : [null], function (c) {
      if (c === null) {
        const li = R.el("li"); li.appendChild(R.both("Nothing in the facts given would change it.", "Rien dans les faits fournis ne le changerait.")); return li;
      }
      return R.el("li", {}, changeText(c));
    });
    const q = function (text) { return "'" + text.replace(/'/g, "'\\''") + "'"; };
    document.getElementById("result-repro").textContent = [
      "# " + (req.lang === "fr" ? "Ligne de commande" : "Command line"),
      "echo " + q(JSON.stringify(req.facts)) + " | roxham screen - --as-of " + req.as_of_date + " --lang " + req.lang,
      "",
      "# Python",
      "import datetime as dt",
      "from roxham.law import determine, explain",
      "det = determine(" + JSON.stringify(req.facts) + ", dt.date.fromisoformat(" + JSON.stringify(req.as_of_date) + "))",
      "print(explain(det, " + JSON.stringify(req.lang) + "))",
      "",
      "# REST API",
      "curl -s -X POST http://" + location.host + "/api/v1/screen -H 'Content-Type: application/json' -d " + q(JSON.stringify(req)),
    ].join("\n");
    box.hidden = false;
  }

  // Marks the required questions left empty; whether all are filled.
  function requiredFilled() {
    const missing = [];
    ["q-as_of_date", "q-claim-date", "q-entry-date", "q-age"].forEach(function (id) {
      const e = document.getElementById(id);
      if (e && visible(e) && valueOf(e) === "") missing.push(e);
    });
    missing.forEach(function (e) {
      const box = e.closest(".q"); box.classList.add("invalid");
      box.querySelector(".field-error").textContent = R.lang() === "fr" ? "Obligatoire" : "Required";
    });
    return missing.length === 0;
  }

  let lastRequest = null;
  async function submit() {
    clearErrors();
    const req = buildRequest();
    if (!requiredFilled()) return;
    const r = await R.api("POST", "/api/v1/screen", req);
    if (!r.ok) {
      document.getElementById("result").hidden = true;
      if (r.status === 422) showErrors(r.data);
      else {
        const fe = document.getElementById("form-error");
        fe.textContent = "HTTP " + r.status + ": " + R.errorText(r.data); fe.hidden = false;
      }
      return;
    }
    lastRequest = req;
    showResult(r.data, req);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("reset", function () {
    setTimeout(function () {
      document.querySelectorAll(".rows").forEach(function (r) { r.replaceChildren(); });
      document.getElementById("result").hidden = true; clearErrors(); refresh();
    }, 0);
  });
  // Explanations are rendered by the server in one language: ask again when it changes.
  document.addEventListener("roxham:lang", function () {
    if (lastRequest && !document.getElementById("result").hidden) submit();
  });
  // The household section (household.js) screens the people built by this form.
  window.roxhamScreener = {
    buildRequest: buildRequest,
    requiredFilled: function () { clearErrors(); return requiredFilled(); },
    showErrors: showErrors,
  };
  refresh();
})();
