// Household screening: people arriving together. Each person is built with the screener form
// above (window.roxhamScreener), named and added; the table says what each other member is to
// them; POST /api/v1/screen/household answers each person, the family-member exception
// (IRPR s. 159.5(c)) reading the others' referred claims. Nothing is stored: the household lives
// in this page only.
"use strict";
(function () {
  const R = window.roxham;
  let members = [];  // [{ id, facts }]
  let lastRequest = null;

  function error(text) {
    const e = document.getElementById("hh-error");
    e.textContent = text || ""; e.hidden = !text;
  }
  function say(en, fr) { return R.lang() === "fr" ? fr : en; }

  function summary(f) {
    const parts = [];
    if (f.nat && f.nat.length) parts.push(f.nat.join("/"));
    if (f.age !== undefined) parts.push(f.age + " " + say("yrs", "ans"));
    if (f.entry && f.entry.mode) {
      const o = document.querySelector('#q-entry-mode option[value="' + f.entry.mode + '"]');
      parts.push(o ? (R.lang() === "fr" ? o.dataset.fr : o.dataset.en) : f.entry.mode);
    }
    if (f.entry && f.entry.date) parts.push(f.entry.date);
    if (f.family && f.family.length) parts.push(say("family in Canada: ", "famille au Canada : ") + f.family.length);
    return parts.join(" · ");
  }

  // What the others are to each member, as the selects say now (kept across redraws).
  function relations() {
    const out = {};
    document.querySelectorAll("#hh-members select.hh-rel").forEach(function (s) {
      if (!s.value) return;
      (out[s.dataset.member] = out[s.dataset.member] || {})[s.dataset.other] = s.value;
    });
    return out;
  }

  function draw() {
    const keep = relations();
    const table = document.getElementById("hh-members");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    table.hidden = members.length === 0;
    document.getElementById("hh-submit").disabled = members.length === 0;
    const tpl = document.getElementById("tpl-hh-rel");
    members.forEach(function (m, i) {
      const tr = R.el("tr", { "data-member": m.id });
      tr.appendChild(R.el("td", { class: "hh-id" }, m.id));
      tr.appendChild(R.el("td", {}, summary(m.facts)));
      const td = R.el("td", { class: "hh-rels" });
      members.forEach(function (o) {
        if (o.id === m.id) return;
        const lab = R.el("label", { class: "hh-rel-label" });
        lab.appendChild(document.createTextNode(o.id + " "));
        const sel = tpl.content.querySelector("select").cloneNode(true);
        sel.dataset.member = m.id; sel.dataset.other = o.id;
        sel.setAttribute("aria-label", o.id + " → " + m.id);
        sel.querySelectorAll("option[data-en]").forEach(function (op) {
          op.textContent = R.lang() === "fr" ? op.dataset.fr : op.dataset.en;
        });
        sel.value = (keep[m.id] && keep[m.id][o.id]) || "";
        lab.appendChild(sel);
        td.appendChild(lab);
      });
      if (members.length === 1) td.appendChild(R.both("Add another person.", "Ajoutez une autre personne."));
      tr.appendChild(td);
      const rm = R.el("button", { type: "button", class: "hh-remove" });
      rm.appendChild(R.both("Remove", "Retirer"));
      rm.addEventListener("click", function () { members.splice(i, 1); draw(); });
      const tdr = R.el("td"); tdr.appendChild(rm); tr.appendChild(tdr);
      body.appendChild(tr);
    });
  }

  function add() {
    error("");
    const S = window.roxhamScreener;
    const name = document.getElementById("hh-name").value.trim();
    if (!name) { error(say("Give this person a name or initials.", "Donnez un nom ou des initiales à cette personne.")); return; }
    if (members.some(function (m) { return m.id === name; })) {
      error(say("Each person needs a different name.", "Chaque personne doit avoir un nom différent.")); return;
    }
    if (members.length >= 20) { error(say("At most 20 people.", "Au plus 20 personnes.")); return; }
    if (!S.requiredFilled()) { error(say("Fill in the required questions of the form first.", "Répondez d'abord aux questions obligatoires du formulaire.")); return; }
    members.push({ id: name, facts: S.buildRequest().facts });
    document.getElementById("hh-name").value = "";
    draw();
  }

  function verdict(eligible) {
    return eligible
      ? R.both("Eligible to be referred to the Refugee Protection Division ", "Recevable : peut être déférée à la Section de la protection des réfugiés ")
      : R.both("Not eligible to be referred to the Refugee Protection Division ", "Irrecevable : ne peut être déférée à la Section de la protection des réfugiés ");
  }

  function show(res) {
    const out = document.getElementById("hh-results");
    out.replaceChildren();
    res.members.forEach(function (m) {
      const art = R.el("article", { class: "hh-member", "data-id": m.id });
      art.appendChild(R.el("h3", {}, m.id));
      const p = R.el("p", { class: "verdict" });
      p.appendChild(verdict(m.eligible));
      p.appendChild(R.el("span", { class: "badge hh-code " + (m.eligible ? "ok" : "no") }, m.result_code));
      art.appendChild(p);
      if (m.read_from && m.read_from.length) {
        const rf = R.el("p", { class: "hh-read-from" });
        rf.appendChild(R.both("Family-member exception read from the referred claim of: ", "Exception du membre de la famille lue dans la demande déférée de : "));
        rf.appendChild(document.createTextNode(m.read_from.join(", ")));
        art.appendChild(rf);
      }
      (m.orders || []).forEach(function (o) { art.appendChild(R.el("p", { class: "order-notice", role: "note" }, "⚠ " + o.text)); });
      if (m.consequence) art.appendChild(R.el("p", { class: "hh-consequence" }, m.consequence));
      const ex = R.el("div", { class: "explanation" });
      ex.appendChild(R.withDocLinks(m.explanation));
      art.appendChild(ex);
      if (m.next_steps && m.next_steps.length) {
        const h = R.el("h4"); h.appendChild(R.both("Next steps", "Étapes suivantes")); art.appendChild(h);
        const ul = R.el("ul", { class: "hh-steps" });
        m.next_steps.forEach(function (s) { ul.appendChild(R.el("li", {}, s.text + " (" + s.provision + ")")); });
        art.appendChild(ul);
      }
      const pl = R.el("p", { class: "hh-provisions" });
      (m.provisions || []).forEach(function (pid, k) {
        if (k) pl.appendChild(document.createTextNode(" · "));
        pl.appendChild(R.el("a", { href: "/provisions/" + encodeURIComponent(pid), target: "_blank", rel: "noopener" }, pid));
      });
      art.appendChild(pl);
      out.appendChild(art);
    });
  }

  async function submit() {
    error("");
    const rel = relations();
    const asOf = document.getElementById("q-as_of_date").value.trim();
    if (!asOf) { error(say("Give the date the law is applied (top of the form).", "Indiquez la date d'application du droit (en haut du formulaire).")); return; }
    const req = {
      as_of_date: asOf,
      household: { members: members.map(function (m) { return { id: m.id, facts: m.facts, relations: rel[m.id] || {} }; }) },
      lang: R.lang(),
    };
    const r = await R.api("POST", "/api/v1/screen/household", req);
    if (!r.ok) { document.getElementById("hh-results").replaceChildren(); error("HTTP " + r.status + ": " + R.errorText(r.data)); return; }
    lastRequest = req;
    show(r.data);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("hh-add").addEventListener("click", add);
    document.getElementById("hh-submit").addEventListener("click", submit);
    // Explanations come from the server in one language: ask again when it changes.
    document.addEventListener("roxham:lang", function () {
      draw();
      if (lastRequest && document.getElementById("hh-results").childElementCount) submit();
    });
  });
})();
