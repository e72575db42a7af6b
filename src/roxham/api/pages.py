"""The HTML pages: screener, scenario lab, data explorer, provision text.

Pages are server-rendered Jinja2 with both languages in the markup (``<span lang="en">`` /
``<span lang="fr">``); CSS shows the one matching ``<html lang>``, and ``static/common.js``
switches it and remembers the choice in this browser (``localStorage`` and a ``roxham_lang``
cookie holding only ``en`` or ``fr``). Scripts are files under ``/static`` (the CSP forbids
inline script); Plotly is served from the installed ``plotly`` package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from roxham.api import law_service
from roxham.api.problems import NotFound
from roxham.api.screener_form import RELATIONS, SECTIONS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

router = APIRouter(include_in_schema=False)


def t(en: str, fr: str) -> Markup:
    """Both languages of a piece of text; CSS shows the current one.

    >>> str(t("Yes", "Oui"))
    '<span lang="en">Yes</span><span lang="fr">Oui</span>'
    """
    return Markup(f'<span lang="en">{escape(en)}</span><span lang="fr">{escape(fr)}</span>')


TEMPLATES.env.globals["t"] = t


def page_lang(request: Request) -> str:
    """The language remembered by this browser (cookie ``roxham_lang``), default English."""
    return "fr" if request.cookies.get("roxham_lang") == "fr" else "en"


def _render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
    ctx.setdefault("lang", page_lang(request))
    return TEMPLATES.TemplateResponse(request, name, ctx)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Home: the three tools."""
    return _render(request, "home.html", page="home")


@router.get("/screener", response_class=HTMLResponse)
def screener(request: Request) -> HTMLResponse:
    """The eligibility screener form."""
    return _render(request, "screener.html", page="screener", sections=SECTIONS,
                   relations=RELATIONS)


@router.get("/lab", response_class=HTMLResponse)
def lab(request: Request) -> HTMLResponse:
    """The scenario lab."""
    return _render(request, "lab.html", page="lab")


@router.get("/data", response_class=HTMLResponse)
def data_explorer(request: Request) -> HTMLResponse:
    """The data explorer."""
    return _render(request, "data.html", page="data")


@router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """A readable list of the API's operations, from the OpenAPI document (works offline)."""
    return _render(request, "apidocs.html", page="api")


@router.get("/provisions/{provision_id}", response_class=HTMLResponse)
def provision_page(request: Request, provision_id: str) -> Response:
    """The text of one provision, in English and French where known."""
    try:
        prov = law_service.get_provision(provision_id)
    except NotFound:
        resp = _render(request, "provision.html", page="law", prov=None, pid=provision_id)
        resp.status_code = 404
        return resp
    return _render(request, "provision.html", page="law", prov=prov, pid=provision_id)


#: The documents the pages link to (the rules' ambiguities A1–A17, the law texts).
DOCS = ("docs/law/RULES.md", "docs/law/LAW.md")


def docs_dir() -> Path | None:
    """Where the documents are: copied into the package by the wheel build
    (``roxham/api/docs``), else the source checkout's ``docs/`` (editable install)."""
    for d in (Path(__file__).parent / "docs", Path(__file__).parents[3] / "docs"):
        if (d / DOCS[0].removeprefix("docs/")).is_file():
            return d
    return None


def render_markdown(text: str) -> Markup:
    """A document's Markdown as HTML (CommonMark with tables; its own ``<a id>`` anchors
    kept; links to other documents of :data:`DOCS` stay on this server)."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for name in DOCS:  # relative links between the served documents
        html = html.replace(f'href="{Path(name).name}', f'href="/{name}')
    return Markup(html)


@router.get("/docs/{name:path}", response_class=HTMLResponse)
def document(request: Request, name: str) -> Response:
    """One of the documents the pages cite (:data:`DOCS`), rendered, served locally (no
    network); anchors such as ``#a1`` work."""
    root = docs_dir()
    if f"docs/{name}" not in DOCS or root is None:
        resp = _render(request, "doc.html", page="docs", body=None, doc=name)
        resp.status_code = 404
        return resp
    text = (root / name).read_text(encoding="utf-8")
    return _render(request, "doc.html", page="docs", body=render_markdown(text), doc=name)


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly's bundled JavaScript, from the installed ``plotly`` package (no CDN)."""
    from roxham.api.app import plotly_js_dir

    return FileResponse(
        plotly_js_dir() / "plotly.min.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


__all__ = ["DOCS", "TEMPLATES", "docs_dir", "page_lang", "render_markdown", "router", "t"]
