// Language switch (remembered in this browser) and small helpers shared by the pages.
"use strict";
(function () {
  const KEY = "roxham_lang";
  function apply(lang) {
    document.documentElement.lang = lang;
    document.querySelectorAll("option[data-en]").forEach(function (o) {
      o.textContent = lang === "fr" ? o.dataset.fr : o.dataset.en;
    });
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.setLang === lang));
    });
    document.dispatchEvent(new CustomEvent("roxham:lang", { detail: lang }));
  }
  function set(lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode */ }
    document.cookie = KEY + "=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
    apply(lang);
  }
  window.roxham = {
    lang: function () { return document.documentElement.lang === "fr" ? "fr" : "en"; },
    setLang: set,
    applyLang: apply,
    el: function (tag, attrs, text) {
      const e = document.createElement(tag);
      Object.entries(attrs || {}).forEach(function (kv) { e.setAttribute(kv[0], kv[1]); });
      if (text !== undefined && text !== null) e.textContent = String(text);
      return e;
    },
    both: function (en, fr) {  // a bilingual span pair, like the server's t()
      const f = document.createDocumentFragment();
      f.appendChild(window.roxham.el("span", { lang: "en" }, en));
      f.appendChild(window.roxham.el("span", { lang: "fr" }, fr));
      return f;
    },
    // Where an ambiguity of the rules is explained (the docs are served by this server).
    docsHref: function (flag) { return "/docs/law/RULES.md#" + String(flag).toLowerCase(); },
    // Text with each "docs/...md#anchor" reference made a link to the local copy.
    withDocLinks: function (text) {
      const f = document.createDocumentFragment();
      const re = /docs\/[\w\/.-]+\.md(#[\w-]+)?/g;
      let last = 0, m;
      text = String(text || "");
      while ((m = re.exec(text)) !== null) {
        f.appendChild(document.createTextNode(text.slice(last, m.index)));
        f.appendChild(window.roxham.el("a", { href: "/" + m[0], target: "_blank", rel: "noopener", class: "doc-link" }, m[0]));
        last = m.index + m[0].length;
      }
      f.appendChild(document.createTextNode(text.slice(last)));
      return f;
    },
    api: async function (method, url, body) {
      const opts = { method: method, headers: { "Accept": "application/json" } };
      if (body !== undefined) {
        opts.headers["Content-Type"] = "application/json";
        opts.body = JSON.stringify(body);
      }
      const r = await fetch(url, opts);
      let data = null;
      try { data = await r.json(); } catch (e) { data = null; }
      return { status: r.status, ok: r.ok, data: data };
    },
    errorText: function (data) {
      if (!data || !Array.isArray(data.detail)) return "error";
      return data.detail.map(function (d) {
        return (d.loc || []).filter(function (p) { return p !== "body"; }).join(".") + ": " + d.msg;
      }).join("; ");
    },
  };
  document.addEventListener("DOMContentLoaded", function () {
    let stored = null;
    try { stored = localStorage.getItem(KEY); } catch (e) { stored = null; }
    if (stored === "en" || stored === "fr") {
      if (stored !== document.documentElement.lang) set(stored); else apply(stored);
    }
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.addEventListener("click", function () { set(b.dataset.setLang); });
    });
  });
})();
