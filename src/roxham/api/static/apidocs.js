// A small offline reader of the OpenAPI document (Swagger UI would need a CDN and inline script).
"use strict";
(function () {
  const R = window.roxham;
  function ref(schema) {
    if (!schema) return "";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (schema.type === "array") return ref(schema.items) + "[]";
    if (schema.anyOf) return schema.anyOf.map(ref).join(" | ");
    return schema.type || "object";
  }
  document.addEventListener("DOMContentLoaded", async function () {
    const r = await R.api("GET", "/api/v1/openapi.json");
    if (!r.ok) return;
    const spec = r.data, box = document.getElementById("endpoints");
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        const op = spec.paths[path][method];
        const sec = R.el("section", { class: "endpoint" });
        const h = R.el("h2");
        h.appendChild(R.el("code", { class: "method method-" + method }, method.toUpperCase()));
        h.appendChild(document.createTextNode(" "));
        h.appendChild(R.el("code", {}, path));
        sec.appendChild(h);
        sec.appendChild(R.el("p", {}, op.summary || ""));
        if (op.description) sec.appendChild(R.el("p", { class: "help" }, op.description));
        (op.parameters || []).forEach(function (p) {
          sec.appendChild(R.el("div", { class: "param" }, p.in + " · " + p.name + (p.required ? " *" : "") + " : " + ref(p.schema) + (p.description ? " — " + p.description : "")));
        });
        const body = op.requestBody && op.requestBody.content["application/json"];
        if (body) {
          const name = ref(body.schema);
          sec.appendChild(R.el("div", { class: "param" }, "body : " + name));
          const schema = spec.components.schemas[name];
          const ex = schema && schema.examples && schema.examples[0];
          if (ex) sec.appendChild(R.el("pre", {}, JSON.stringify(ex, null, 2)));
        }
        sec.appendChild(R.el("div", { class: "help" }, "→ " + Object.keys(op.responses).join(", ")));
        box.appendChild(sec);
      });
    });
  });
})();
