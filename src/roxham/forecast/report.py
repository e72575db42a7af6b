"""The forecast's run directory (the store's common layout) and its self-contained report.

``monthly.parquet`` (month, series, geography, value, p05, p95, p25, p75; months after the
origin), ``observed.parquet`` (the official figures up to the origin shown in the charts),
``manifest.json`` and ``report.html``: a one-paragraph summary, fan charts (observed up to the
origin, 50 % and 90 % bands after) drawn as inline SVG, and each uncertainty source's share
of the variance.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import polars as pl

import roxham
from roxham.forecast.core import SOURCES, Forecast

__all__ = ["CHARTS", "render_report", "summary_paragraph", "write_forecast_dir"]

#: Fan charts of the report: (series, geography, title).
CHARTS: tuple[tuple[str, str, str], ...] = (
    ("claims_total", "CA", "Asylum claims, Canada (all office types)"),
    ("claims_airport", "CA", "Claims at airports (statistical stream × visa gate)"),
    ("claims_inland", "CA", "Claims at inland offices (statistical stream + unseen crossers)"),
    ("claims_land_poe", "CA", "Claims at land ports of entry (model)"),
    ("rcmp_interceptions", "QC", "RCMP interceptions, Quebec (model)"),
    ("irb_pending", "CA", "IRB pending inventory, month end (model, from the data at origin)"),
    ("usbp_apprehensions", "US-SWANTON",
     "Southbound: US Border Patrol apprehensions, Swanton sector (model)"),
)


def _total(f: Forecast, series: str, geo: str) -> tuple[float, float, float]:
    x = f.samples.get((series, geo))
    if x is None:
        return float("nan"), float("nan"), float("nan")
    tot = x.sum(axis=1)
    import numpy as np

    lo, hi = np.quantile(tot, [0.05, 0.95])
    return float(tot.mean()), float(lo), float(hi)


def summary_paragraph(f: Forecast) -> str:
    """One paragraph: what was forecast, from what, the headline total and its band."""
    m = f.manifest
    mean, lo, hi = _total(f, "claims_total", "CA")
    shares = f.variance_shares.get("claims_total/CA", {})
    top = max(shares, key=lambda k: shares[k]) if shares else None
    pinfo = m["parameters"]
    return (
        f"From data up to {m['origin']} only, the Canada–US model forecasts "
        f"{mean:,.0f} asylum claims in Canada over {m['first_month']}..{m['last_month']} "
        f"(90 % band {lo:,.0f}–{hi:,.0f}; {m['draws']} draws, US path "
        f"'{m['us_scenario']}' beyond the latest US figure). Airport and inland claims are "
        "statistical streams (AutoETS fitted up to the origin, × visa gates); land-border "
        "claims and interceptions come from the model's deciders, routes and law, including "
        f"a push stream from {len(m['conditional_on_events_after_origin'])} US status-loss "
        "events dated after the origin (the forecast is conditional on them). "
        + (f"The largest source of uncertainty of the total is {top} "
           f"({100 * shares[top]:.0f} % of the variance). " if top else "")
        + ("Parameters: " + pinfo["method"] + (" — NOT out of sample for this origin."
                                                if pinfo.get("leak") else "."))
    )


def _svg(obs: pl.DataFrame, fc: pl.DataFrame, title: str) -> str:
    w, h, pad = 640, 220, 40
    months = sorted(set(obs["period"].to_list()) | set(fc["month"].to_list()))
    if not months:
        return ""
    idx = {m: i for i, m in enumerate(months)}
    ymax = max([0.0, *obs["value"].to_list(), *fc["p95"].to_list()]) or 1.0

    def x(m: str) -> float:
        return pad + (w - 2 * pad) * idx[m] / max(len(months) - 1, 1)

    def y(v: float) -> float:
        return h - pad + (2 * pad - h) * v / ymax

    parts = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
             f'aria-label="{html.escape(title)}">',
             f'<text x="{pad}" y="16" font-size="13">{html.escape(title)}</text>',
             f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#999"/>',
             f'<text x="2" y="{y(ymax) + 4:.0f}" font-size="10">{ymax:,.0f}</text>',
             f'<text x="{pad}" y="{h - pad + 14}" font-size="10">{months[0]}</text>',
             f'<text x="{w - pad - 40}" y="{h - pad + 14}" font-size="10">{months[-1]}</text>']
    if fc.height:
        for lo, hi, col in (("p05", "p95", "#c6dbef"), ("p25", "p75", "#6baed6")):
            up = [f"{x(m):.1f},{y(v):.1f}" for m, v in zip(fc["month"], fc[hi], strict=True)]
            dn = [f"{x(m):.1f},{y(v):.1f}" for m, v in zip(fc["month"], fc[lo], strict=True)]
            parts.append(f'<polygon points="{" ".join(up + dn[::-1])}" fill="{col}"/>')
        pts = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in
                       zip(fc["month"], fc["value"], strict=True))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#08519c" '
                     'stroke-dasharray="4 2"/>')
    if obs.height:
        pts = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in
                       zip(obs["period"], obs["value"], strict=True))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#222"/>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(f: Forecast) -> str:
    """The self-contained HTML report of a forecast."""
    m = f.manifest
    origin = m["origin"]
    first_shown = f"{int(origin[:4]) - 3:04d}{origin[4:]}"
    charts = []
    for series, geo, title in CHARTS:
        obs = f.observed.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                                & (pl.col("period") >= first_shown))
        fc = f.monthly.filter((pl.col("series") == series) & (pl.col("geography") == geo))
        charts.append(f"<figure>{_svg(obs, fc, title)}<figcaption>black: official "
                      f"(roxham.data, up to {origin}); blue: forecast mean, bands 50 % and "
                      "90 % over all draws</figcaption></figure>")
    rows = []
    for key, sh in sorted(f.variance_shares.items()):
        rows.append("<tr><td>" + html.escape(key) + "</td>" + "".join(
            f"<td>{100 * sh.get(s, 0.0):.0f} %</td>" for s in SOURCES) + "</tr>")
    detail = m["uncertainty"].get("structural_shares", {})
    for key in sorted(f.variance_shares):
        d = detail.get(key)
        if d:
            rows.append(f"<tr><td>{html.escape(key)}</td><td colspan=\"4\">structural = "
                        + ", ".join(f"{html.escape(k)} {100 * v:.0f} %" for k, v in d.items())
                        + "</td></tr>")
    table = ("<table><tr><th>series</th>" + "".join(f"<th>{s}</th>" for s in SOURCES)
             + "</tr>" + "".join(rows) + "</table>") if rows else "<p>(not computed)</p>"
    ev = "".join(f"<li>{html.escape(e['date'])} {html.escape(e['name'])}: "
                 f"{e['people']:,.0f} people × weight {e['weight']} "
                 f"(<a href=\"{html.escape(e['source'])}\">source</a>)</li>"
                 for e in m["conditional_on_events_after_origin"])
    streams = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v['what'])}; "
                      f"{html.escape(v['method'])}</li>"
                      for k, v in m["statistical_streams"].items())
    span = html.escape(f"{m['first_month']}..{m['last_month']}")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Roxham forecast from {html.escape(origin)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:1em auto}}
td,th{{padding:2px 8px;text-align:right}} td:first-child{{text-align:left}}</style></head>
<body><h1>Forecast from {html.escape(origin)}: {span}</h1>
<p>{html.escape(summary_paragraph(f))}</p>
{''.join(charts)}
<h2>What the bands cover</h2>
<p>{html.escape(m['uncertainty']['bands'])}. Structural assumption sets (A):
{html.escape('; '.join(m['uncertainty']['structural_sets']))}.</p>
<h2>Share of the variance by source</h2>
<p>{html.escape(str(m['uncertainty']['variance_shares_method']))}.</p>{table}
<h2>Statistical streams</h2><ul>{streams}</ul>
<h2>Conditional on these US events after the origin</h2><ul>{ev or '<li>none</li>'}</ul>
<h2>Provenance</h2><p>Data cut-off {html.escape(origin)} (roxham.data.observed_until);
parameters: {html.escape(m['parameters']['method'])}; state at origin:
{html.escape(str(m['state_at_origin']))}. roxham {html.escape(roxham.__version__)}.</p>
</body></html>"""


def write_forecast_dir(f: Forecast, out: Path, *, report: bool = True,
                       overwrite: bool = False) -> dict[str, Any]:
    """Write the forecast as a run directory in the store's layout; returns the manifest."""
    from roxham.store.result import RunFrames, write_result

    manifest = dict(f.manifest)
    manifest["roxham_version"] = roxham.__version__
    manifest["created_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["summary"] = summary_paragraph(f)
    extras: dict[str, pl.DataFrame | str] = {"observed": f.observed}
    if report:
        extras["report.html"] = render_report(f)
    return write_result(RunFrames(f.monthly, None, manifest, extras), Path(out),
                        overwrite=overwrite)
