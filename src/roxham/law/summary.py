"""A printable bilingual summary of one screening for a client file (HTML, print-ready).

English and French side by side: the result in words, the date of the law applied, the
explanation with its provisions, the next steps and what would change the answer. It is
written only where the user asks (``roxham screen FACTS --summary out.html``, or returned by
``POST /api/v1/screen/summary``); nothing is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import metadata, resources
from typing import Any

import jinja2

from roxham.law.changes import what_would_change
from roxham.law.determine import coerce_facts, determine
from roxham.law.explain import explain
from roxham.law.facts import Facts
from roxham.law.overlay import orders_in_effect
from roxham.law.reform import Reform
from roxham.law.steps import next_steps

__all__ = ["summary_html"]

_MAX_CHANGES = 8
_WORDS = {
    "en": {"h_expl": "Explanation", "h_steps": "Next steps",
           "h_changes": "What would change the answer (one fact at a time)",
           "caveat": "General information on the law applied to the facts supplied; not legal "
                     "advice. Identity, security and other checks are not assessed.",
           True: "Eligible to be referred to the Refugee Protection Division",
           False: "Not eligible to be referred to the Refugee Protection Division"},
    "fr": {"h_expl": "Explication", "h_steps": "Étapes suivantes",
           "h_changes": "Ce qui changerait la réponse (un fait à la fois)",
           "caveat": "Information générale sur le droit appliqué aux faits fournis ; ne "
                     "constitue pas un avis juridique. L'identité, la sécurité et les autres "
                     "vérifications ne sont pas évaluées.",
           True: "Recevable : peut être déférée à la Section de la protection des réfugiés",
           False: "Irrecevable : ne peut être déférée à la Section de la protection des "
                  "réfugiés"},
}


def _version() -> str:
    try:
        return metadata.version("roxham")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "dev"


def summary_html(
    facts: Facts | Mapping[str, Any],
    as_of: dt.date,
    reform: Reform | None = None,
    *,
    today: dt.date,
) -> str:
    """The summary page (a complete HTML document, EN and FR) for ``facts`` on ``as_of``.
    ``today`` is the preparation date printed on it (and refuses a future ``as_of``)."""
    f = coerce_facts(facts)
    sides = []
    for lang in ("en", "fr"):
        det = determine(f, as_of, reform, lang=lang, today=today)
        w = _WORDS[lang]
        changes = what_would_change(f, as_of, reform, base=det)[:_MAX_CHANGES]
        sides.append({
            "lang": lang, "verdict": w[det.eligible], "explanation": explain(det, lang),
            "steps": next_steps(det.result_code, list(det.grounds), lang),
            "changes": [c.describe(lang) for c in changes],
            "h_expl": w["h_expl"], "h_steps": w["h_steps"], "h_changes": w["h_changes"],
            "caveat": w["caveat"], "code": det.result_code,
            "orders": [o["text"] for o in orders_in_effect(f, lang)],
        })
    text = resources.files("roxham.law").joinpath("templates", "summary.html").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(text).render(
        as_of=as_of.isoformat(), today=today.isoformat(), version=_version(),
        reform=reform.name if reform is not None and reform.name else "",
        result_code=sides[0]["code"], sides=sides,
    )
