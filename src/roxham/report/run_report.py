"""Self-contained HTML reports of Canada–US runs (Plotly JS inlined: works offline).

:func:`render_run_report` shows simulated vs observed monthly series with 5–95 % bands, the
policy timeline, claims by office type, route shares, returns, the IRB inventory, the fit
table (sMAPE, 2017-01..2022-12) and what was assumed. Every observed figure shown names its
source under the chart. :func:`render_compare_report` shows two runs side by side with the
difference and its band.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io
import plotly.offline
import polars as pl

import roxham.law as rx_law
from roxham.report.series_index import SeriesIndex
from roxham.report.summary import render_summary, scenario_table
from roxham.store.result import RunFrames

__all__ = ["POLICY_EVENTS", "render_compare_report", "render_run_frames", "render_run_report"]

#: Dated events drawn on the charts (sources: roxham.data events, raw/us/events.csv; the
#: legal dates are the law's own: roxham.law).
POLICY_EVENTS: tuple[tuple[str, str], ...] = (
    ("2017-01-27", "US travel ban"),
    (rx_law.COVID_DIRECT_BACK.start.isoformat(), "COVID direct-back order"),
    (rx_law.COVID_DIRECT_BACK.end.isoformat(), "order lifted"),
    ("2023-02-06", "NYC tickets"),
    (str(rx_law.law_date("D_PROTOCOL")), "Additional Protocol"),
    ("2024-02-29", "Mexico visa"),
)

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
max-width:1150px;padding:1rem 1.5rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd} .meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem} td,th{border:1px solid #ddd;padding:3px 8px;
text-align:right} th{background:#f4f4f4} td.l,th.l{text-align:left}
.src{font-size:.78rem;color:#555;margin:.2rem 0 1rem 0;word-break:break-all}
.summary{font-size:1rem;line-height:1.55;background:#f5f8fc;border-left:4px solid #1f77b4;
padding:.6rem 1rem} .grade{font-size:.72rem;padding:0 .25rem;border-radius:3px;
white-space:nowrap} .grade.sim{background:#e3eefa;color:#1f4f80}
a.grade.official{background:#e3f4e8;color:#1b5e2f;text-decoration:none}
.grade.assumed{background:#fdf0d9;color:#7a4b00} #scenario-table td{vertical-align:top}
.note{background:#fafafa;border-left:3px solid #bbb;padding:.4rem .8rem;font-size:.88rem}
"""


def _x(months: list[str]) -> list[str]:
    return [f"{mm}-15" for mm in months]


def _events(fig: go.Figure, lo: str, hi: str) -> None:
    """A dotted vertical line and a label at each policy event of ``lo..hi``.

    The lines are the shapes ``fig.add_vline`` would add (full height of the plot area), but
    set in one layout update: plotly re-validates every shape and annotation of a figure on
    each ``add_vline``/``add_annotation``, which took about half of the report's drawing time."""
    days = [(day, label) for day, label in POLICY_EVENTS if lo <= day[:7] <= hi]
    if not days:
        return
    lines = [{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1,
              "yref": "y domain", "line": {"width": 1, "dash": "dot", "color": "#888"}}
             for day, _ in days]
    labels = [{"x": day, "y": 1.0, "yref": "paper", "text": label, "showarrow": False,
               "textangle": -90, "xanchor": "right", "yanchor": "top",
               "font": {"size": 9, "color": "#666"}} for day, label in days]
    fig.update_layout(shapes=[*fig.layout.shapes, *lines],
                      annotations=[*fig.layout.annotations, *labels])


def _band(fig: go.Figure, sub: pl.DataFrame, name: str, color: str, **kw: Any) -> None:
    x = _x(sub["month"].to_list())
    fig.add_trace(go.Scatter(x=x + x[::-1], y=sub["p95"].to_list() + sub["p05"].to_list()[::-1],
                             fill="toself", fillcolor=color, opacity=0.18, line={"width": 0},
                             hoverinfo="skip", showlegend=False, **kw))
    fig.add_trace(go.Scatter(x=x, y=sub["value"].to_list(), name=name, mode="lines",
                             line={"color": color, "width": 2}, **kw))


def _div(fig: go.Figure, height: int = 360) -> str:
    fig.update_layout(height=height, margin={"l": 50, "r": 20, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.15}, template="plotly_white")
    # a div id from the figure's content (plotly's default is a random uuid): the same run
    # gives the same report, byte for byte. The figure is turned into a dict once, for its
    # id and its HTML (fig.to_json and fig.to_html would each copy it).
    fig_dict = fig.to_dict()
    div_id = "fig-" + hashlib.sha256(
        plotly.io.to_json(fig_dict, validate=False).encode()).hexdigest()[:16]
    return str(plotly.io.to_html(fig_dict, full_html=False, include_plotlyjs=False,
                                 div_id=div_id, validate=False))


def _sources(urls: list[tuple[str, str]]) -> str:
    """Numbered, de-duplicated source links of the observed figures of one chart."""
    if not urls:
        return '<p class="src">Observed: no official figure found for this series.</p>'
    by_url: dict[str, list[str]] = {}
    for label, u in urls:
        by_url.setdefault(u, [])
        if label not in by_url[u]:
            by_url[u].append(label)
    items = " ".join(
        f'[{i}] <a href="{html.escape(u)}">{html.escape(_short(u))}</a> '
        f'({html.escape(", ".join(labels))})'
        for i, (u, labels) in enumerate(by_url.items(), 1)
    )
    return f'<p class="src">Observed figures (circles/diamonds) from: {items}</p>'


def _short(u: str) -> str:
    """A URL shortened for display: host + last path part."""
    rest = u.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return f"{host}/…/{tail}" if tail and tail != path else rest[:80]


_OBS_SCHEMA = {"series": pl.Utf8, "geography": pl.Utf8, "period": pl.Utf8,
               "value": pl.Float64, "source_url": pl.Utf8, "source_note": pl.Utf8,
               "grade": pl.Utf8}


def _observed_index(observed: pl.DataFrame | None) -> SeriesIndex:
    """The official figures stored with the run (``observed.parquet``) by series, by period."""
    return SeriesIndex(observed, "period", _OBS_SCHEMA)


def _src_labels(ob: pl.DataFrame, label: str) -> list[tuple[str, str]]:
    """(label with the figures' grade, url) of each source of ``ob``."""
    out = []
    for u, grades in ob.group_by("source_url", maintain_order=True).agg(
            pl.col("grade").unique().sort()).iter_rows():
        out.append((f"{label}, grade {'/'.join(str(g) for g in grades)}", str(u)))
    return out


#: Order of the geographies in the charts (others after them, alphabetically).
_GEO_ORDER = ("CA", "QC", "ON", "MB", "BC", "OTHER")


def _geos(m: SeriesIndex, series: str) -> list[str]:
    """Geographies of ``series`` in the run: Canada, Quebec, Ontario, Manitoba, BC, the rest."""
    g = set(m.geographies(series))
    return sorted(g, key=lambda x: (_GEO_ORDER.index(x) if x in _GEO_ORDER else 99, x))


def _sim_vs_obs(m: SeriesIndex, observed: SeriesIndex, series: str, geos: list[str],
                title: str, lo: str, hi: str, ylabel: str = "per month") -> str:
    fig = go.Figure()
    srcs: list[tuple[str, str]] = []
    for i, g in enumerate(geos):
        col = _COLORS[i % len(_COLORS)]
        sub = m.get(series, g)
        if sub.is_empty():
            continue
        _band(fig, sub, f"simulated {g}", col)
        ob = observed.get(series, g)
        ob = ob.filter((pl.col("period").str.len_chars() == 7) & (pl.col("period") >= lo)
                       & (pl.col("period") <= hi))
        if ob.height:
            fig.add_trace(go.Scatter(x=_x(ob["period"].to_list()), y=ob["value"].to_list(),
                                     mode="markers", name=f"observed {g}",
                                     marker={"color": col, "size": 6, "symbol": "circle-open"}))
            srcs += _src_labels(ob, f"{series} {g}")
    fig.update_layout(title=title, yaxis_title=ylabel)
    _events(fig, lo, hi)
    return _div(fig) + _sources(srcs)


#: Claim series of the report (IRCC office types) and their titles.
CLAIM_CHARTS: tuple[tuple[str, str], ...] = (
    ("claims_total", "Claims, all office types (IRCC total)"),
    ("claims_land_poe", "Claims at land border offices (IRCC \"Border\")"),
    ("claims_inland", "Claims at inland offices"),
    ("claims_airport", "Claims at airports"),
)


def _claims(m: SeriesIndex, observed: SeriesIndex, lo: str, hi: str) -> str:
    fig = go.Figure()
    for i, series in enumerate(("claims_land_poe", "claims_airport", "claims_inland")):
        sub = m.get(series, "CA")
        fig.add_trace(go.Scatter(x=_x(sub["month"].to_list()), y=sub["value"].to_list(),
                                 name=series.removeprefix("claims_"), stackgroup="one",
                                 mode="lines", line={"color": _COLORS[i]}))
    rc = m.get("claims_rcmp", "CA")
    if rc.height:
        fig.add_trace(go.Scatter(x=_x(rc["month"].to_list()), y=rc["value"].to_list(),
                                 name="of which RCMP-intercepted (counted in border or inland)",
                                 mode="lines", line={"color": "#000", "dash": "dot"}))
    fig.update_layout(title="Simulated claims in Canada by IRCC office type (stacked, per "
                      "month)")
    _events(fig, lo, hi)
    out = [_div(fig), "<p class='src'>Simulated only (official figures below). Claims of "
           "people intercepted by the RCMP between ports are counted, as IRCC counts them, "
           "under the office they are brought to: inland in Quebec until early 2018, the "
           "border office after (models/canada_us/outputs.py).</p>"]
    for series, title in CLAIM_CHARTS:
        geos = _geos(m, series)
        if not geos:
            continue
        out.append(_sim_vs_obs(m, observed, series, geos[:2], f"{title}: Canada and Quebec",
                               lo, hi))
        out.append(_sim_vs_obs(m, observed, series, geos[2:], f"{title}: other provinces",
                               lo, hi))
    # RCMP-intercepted claims: annual figures only
    fig2 = go.Figure()
    ann = rc.group_by(pl.col("month").str.slice(0, 4).alias("y")).agg(
        pl.col("value").sum()).sort("y")
    fig2.add_trace(go.Bar(x=[f"{y} " for y in ann["y"]], y=ann["value"].to_list(),
                          name="simulated", marker_color=_COLORS[0], opacity=0.55))
    ob = observed.get("claims_rcmp", "CA").filter(
        (pl.col("period").str.len_chars() == 4) & (pl.col("period") >= lo[:4])
        & (pl.col("period") <= hi[:4]))
    if ob.height:
        fig2.add_trace(go.Scatter(x=[f"{y} " for y in ob["period"]], y=ob["value"].to_list(),
                                  mode="markers", name="observed",
                                  marker={"color": _COLORS[1], "size": 9,
                                          "symbol": "diamond-open"}))
    fig2.update_layout(title="Claims of people intercepted by the RCMP, Canada, per year")
    out.append(_div(fig2, 320) + _sources(_src_labels(ob, "claims_rcmp CA")))
    return "".join(out)


def _routes(m: pl.DataFrame, lo: str, hi: str) -> str:
    r = m.filter(pl.col("series") == "route_choices")
    geos = sorted(set(r["geography"].to_list()))
    tot = r.group_by("month").agg(pl.col("value").sum().alias("t"))
    r = r.join(tot, on="month").with_columns(
        (100 * pl.col("value") / pl.when(pl.col("t") > 0).then(pl.col("t")).otherwise(1.0))
        .alias("share"))
    fig = go.Figure()
    for i, g in enumerate(geos):
        sub = r.filter(pl.col("geography") == g).sort("month")
        fig.add_trace(go.Scatter(x=_x(sub["month"].to_list()), y=sub["share"].to_list(),
                                 name=g, stackgroup="one", mode="lines",
                                 line={"color": _COLORS[i % len(_COLORS)]}))
    fig.update_layout(title="Route shares of those who went north (% of choices per month)",
                      yaxis_title="%")
    _events(fig, lo, hi)
    return _div(fig) + '<p class="src">Simulated only: no official route shares exist.</p>'


def _returns(m: SeriesIndex, lo: str, hi: str) -> str:
    fig = go.Figure()
    for i, (s, g, label) in enumerate((("stca_returns", "CA", "returned under the STCA"),
                                       ("directed_back", "CA", "directed back (COVID order)"),
                                       ("turned_away_closed", "CA", "turned away (closed)"))):
        sub = m.get(s, g)
        if sub.height:
            _band(fig, sub, label, _COLORS[i])
    fig.update_layout(title="Returns to the US", yaxis_title="per month")
    _events(fig, lo, hi)
    return _div(fig) + _sources([])


def _inputs(m: pl.DataFrame, lo: str, hi: str) -> str:
    fig = go.Figure()
    d = m.filter(pl.col("series") == "input_land_deciders")
    for i, g in enumerate(sorted(set(d["geography"].to_list()))):
        sub = d.filter(pl.col("geography") == g).sort("month")
        fig.add_trace(go.Scatter(x=_x(sub["month"].to_list()), y=sub["value"].to_list(),
                                 name=f"deciders from {g}", stackgroup="one", mode="lines",
                                 line={"color": _COLORS[i % len(_COLORS)]}))
    fig.update_layout(title="Model input: people in the US deciding each month whether and "
                      "where to go north (expected, by origin)", yaxis_title="per month")
    _events(fig, lo, hi)
    srcs: list[tuple[str, str]] = []
    try:
        from roxham.data import monthly

        sw = monthly("usbp_encounters", "US-SW", lo, hi).filter(~pl.col("missing"))
        srcs = [("US southwest Border Patrol apprehensions (driver)", u)
                for u in dict.fromkeys(sw["source_url"].to_list())]
    except Exception:  # the chart's source note is optional
        srcs = []
    note = ('<p class="src">Demand = base per origin × (1 − w + w × CBP southwest '
            "apprehensions, lagged, / their 2017–18 mean) × seasonality × dated shocks "
            "(scenario file). Driver figures from: "
            + " ".join(f'<a href="{html.escape(u)}">{html.escape(_short(u))}</a>'
                       for _, u in srcs) + "</p>")
    return _div(fig) + note


def _splits(manifest: dict[str, Any]) -> str:
    sp = manifest.get("claim_province_splits") or {}
    parts = [f"{o} {v.get('period') or '(A)'}" for o, v in sp.items() if isinstance(v, dict)]
    return ": " + ", ".join(parts) if parts else ""


def _assumptions(manifest: dict[str, Any]) -> str:
    s = manifest.get("scenario", {})
    law = s.get("law", {})
    items = [
        f"Law engine: <b>{html.escape(str(manifest.get('law_engine')))}</b>; reform "
        f"<code>{html.escape(json.dumps(law.get('reform', {})))}</code>; COVID direct-back order "
        f"{html.escape(str(law.get('covid_order')))} (an approximation: claimants crossing "
        "between ports are directed back unless the STCA as applied at a land port would let "
        "them in); information lag "
        f"{law.get('information_lag_days')} days.",
        "Land demand = base per origin × (1 − w + w × US southwest Border Patrol apprehensions "
        "lagged / their 2017–18 mean) × winter seasonality × dated shocks (see scenario).",
        "Airport and inland claims are exogenous annual intensities taken from IRCC's annual "
        "claims by office type (2024 held at 2023), gated by visa policy (Mexico 2024-02-29); "
        "they are split by province with IRCC's shares of the 12 months before the run "
        f"(manifest: claim_province_splits{_splits(manifest)}).",
        "Nationality mixes, family-in-Canada shares, unaccompanied minors and TRV holders are "
        "assumptions (scenario parameters), not sourced distributions.",
        "Choice: multinomial logit over crossings and staying in the US; utility = constant + "
        "β × probability the claim is referred (law of the day minus the lag, × interception) "
        "+ β_km × road km; road km = great-circle × circuity.",
        "IRB: pending = start + referred × share − finalisations (annual capacity, IRB figures; "
        "2018 assumed).",
    ]
    cal = manifest.get("calibration")
    if cal:
        tr = cal.get("train") or {}
        draws = cal.get("posterior_draws")
        items.append(
            f"Calibrated parameters from <code>{html.escape(str(cal.get('file')))}</code> "
            f"(fitted on {html.escape(str(tr.get('start')))}..{html.escape(str(tr.get('end')))}"
            f" against the official series; 2023–2024 out of sample): "
            + ", ".join(f"{html.escape(k)} = {v:.4g}" for k, v in cal.get("applied", {}).items())
            + ". "
            + (f"Each replicate draws its own parameters from the approximate posterior "
               f"({cal.get('posterior_samples')} weighted samples), so the bands hold "
               "parameter uncertainty as well as chance." if draws else
               "Every replicate uses the point estimate (bands show chance only).")
            + (" Kept the scenario's own values of: "
               + ", ".join(html.escape(k) for k in cal.get("kept_from_scenario", {}))
               + "." if cal.get("kept_from_scenario") else "")
            + (" <b>The base scenario changed since this fit</b> (hash "
               f"{html.escape(str(cal.get('base_hash_fitted')))} then, "
               f"{html.escape(str(cal.get('base_hash_now')))} now)." if cal.get("stale") else "")
        )
    else:
        items.append("Parameters marked (A) in the scenario file, as tuned by hand on "
                     "2017-01..2022-12 (no calibration applied); 2023–2024 are out of sample.")
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _fit_html(fit: pl.DataFrame, note: str = "sMAPE over the periods of 2017-01..2022-12 "
              "where an official figure exists (claims by office type and province: IRCC "
              "monthly; RCMP-intercepted claims: annual totals only).") -> str:
    if fit.is_empty():
        return "<p>No observed series to compare.</p>"
    rows = "".join(
        f"<tr><td class='l'>{html.escape(r['series'])}</td>"
        f"<td class='l'>{html.escape(r['geography'])}</td>"
        f"<td class='l'>{r['frequency']}</td><td>{r['n']}</td><td>{r['smape']:.1f}</td>"
        f"<td>{r['sim_total']:,.0f}</td><td>{r['obs_total']:,.0f}</td>"
        f"<td class='l src'><a href='{html.escape(r['source_url'])}'>source</a></td></tr>"
        for r in fit.iter_rows(named=True)
    )
    return (
        "<table><tr><th class='l'>series</th><th class='l'>geography</th><th class='l'>compared"
        "</th><th>n</th><th>sMAPE %</th><th>simulated Σ</th><th>observed Σ</th>"
        f"<th class='l'>source</th></tr>{rows}</table>"
        f"<p class='src'>{html.escape(note)}</p>"
    )


def _page(title: str, body: str) -> str:
    js = plotly.offline.get_plotlyjs()
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script type='text/javascript'>{js}</script></head><body>{body}</body></html>"
    )


def _drop_html(d: dict[str, float]) -> str:
    if not d:
        return ""
    return (
        "<p>Fall of Quebec RCMP interceptions after the Additional Protocol (mean of "
        f"{d['months_before']:.0f} observed months of 2022-04..2023-02 against "
        f"{d['months_after']:.0f} of 2023-05..2024-12): observed "
        f"{d['observed_before']:,.0f} → {d['observed_after']:,.0f} per month "
        f"(−{100 * d['observed_drop']:.1f} %); simulated {d['simulated_before']:,.0f} → "
        f"{d['simulated_after']:,.0f} (−{100 * d['simulated_drop']:.1f} %). The drop is not "
        "imposed: it comes from the law table (IRPR 159.4(1.1) from "
        f"{rx_law.law_date('D_PROTOCOL')}) through the "
        "agents' choices and the outcome at the crossing.</p>"
    )


def render_run_frames(frames: RunFrames) -> str:
    """The report of a run in the store's shape (the model's ``run_frames``): its monthly
    table, manifest and the ``fit``, ``validation`` and ``observed`` extras."""
    def extra(name: str) -> pl.DataFrame | None:
        x = frames.extras.get(name)
        return x if isinstance(x, pl.DataFrame) else None

    fit = extra("fit")
    return render_run_report(frames.monthly, frames.manifest,
                             fit if fit is not None else pl.DataFrame(),
                             extra("validation"), extra("observed"))


def render_run_report(m: pl.DataFrame, manifest: dict[str, Any], fit: pl.DataFrame,
                      validation: pl.DataFrame | None = None,
                      observed: pl.DataFrame | None = None) -> str:
    """The HTML report of one run (a complete, self-contained page). ``observed``: the
    official figures stored with the run (series, geography, period, value, source_url,
    source_note, grade); without them the charts show the simulation only."""
    from roxham.report.southbound_section import southbound_html  # issue 15
    if manifest.get("model") in ("sim", "flee"):  # the generic engine's runs, Flee's
        return _engine_report(m, manifest)
    months = sorted(set(m["month"].to_list()))
    lo, hi = months[0], months[-1]
    # the run's series and the official figures, each split once by (series, geography)
    sim, obs = SeriesIndex(m, "month"), _observed_index(observed)
    name = str(manifest.get("scenario_name", "run"))
    desc = str(manifest.get("scenario", {}).get("description", ""))
    band = manifest.get("band")
    covers = (f"; it covers {band['covers']}" if isinstance(band, dict) and band.get("covers")
              else "")
    parts = [
        f"<h1>Roxham — Canada–US model: {html.escape(name)}</h1>",
        f"<p class='meta'>{html.escape(desc)}<br>{lo} → {hi}; seed {manifest.get('seed')}, "
        f"{manifest.get('replicates')} replicates (band = 5–95 % over replicates"
        f"{html.escape(covers)}); "
        f"scenario hash {manifest.get('scenario_hash')}; roxham {manifest.get('roxham_version')}"
        " (run times: manifest.json).</p>",
        "<h2>Summary</h2>",
        render_summary(m, manifest, observed),
        "<h2>Scenarios</h2>",
        scenario_table(manifest),
        "<h2>RCMP interceptions (irregular crossings) — simulated vs observed</h2>",
        _sim_vs_obs(sim, obs, "rcmp_interceptions", ["CA", "QC"], "RCMP interceptions, "
                    "Canada and Quebec", lo, hi),
        _sim_vs_obs(sim, obs, "rcmp_interceptions", ["MB", "BC", "ON", "OTHER"],
                    "RCMP interceptions, other provinces", lo, hi),
        "<h2>Claims by IRCC office type and province</h2>",
        _claims(sim, obs, lo, hi),
        "<h2>Route shares</h2>",
        _routes(m, lo, hi),
        "<h2>Returns to the US</h2>",
        _returns(sim, lo, hi),
        southbound_html(sim, lo, hi),  # issue 15: the southbound half
        "<h2>Demand (model input)</h2>",
        _inputs(m, lo, hi),
        "<h2>IRB (RPD) pending inventory</h2>",
        _sim_vs_obs(sim, obs, "irb_pending", ["CA"], "RPD pending claims at month end", lo,
                    hi, "claims pending"),
        "<h2>Fit on the training period (2017-01..2022-12)</h2>",
        _fit_html(fit),
        "<h2>Out of sample (2023-01..2024-12, never used for tuning)</h2>",
        _drop_html(manifest.get("protocol_drop_qc", {})),
        _fit_html(validation if validation is not None else pl.DataFrame(),
                  "sMAPE over 2023-01..2024-12 where an official figure exists. Airport and "
                  "inland intensities of 2023 are inputs (IRCC annual totals); 2024 is held "
                  "at the 2023 level, so their 2024 figures are a test of the visa gate."),
        "<h2>What was assumed</h2>",
        _assumptions(manifest),
    ]
    return _page(f"Roxham — {name}", "".join(parts))


def _engine_report(m: pl.DataFrame, manifest: dict[str, Any]) -> str:
    """The report of a run of the generic engine or of Flee: each series at ``total`` (summed
    over locations or camps), by month, with its 5–95 % band over replicates."""
    months = sorted(set(m["month"].to_list()))
    name = str(manifest.get("scenario_name", "run"))
    model = {"sim": "engine"}.get(str(manifest.get("model")), str(manifest.get("model")))
    parts = [
        f"<h1>Roxham — {html.escape(model)} run: {html.escape(name)}</h1>",
        f"<p class='meta'>{months[0]} → {months[-1]}; seed {manifest.get('seed')}, "
        f"{manifest.get('replicates')} replicates (band = 5–95 % over replicates); "
        f"scenario hash {manifest.get('scenario_hash')}; roxham "
        f"{manifest.get('roxham_version')}. Every location's series: monthly.parquet.</p>"]
    sim = SeriesIndex(m, "month")
    for s in dict.fromkeys(m["series"].to_list()):
        sub = sim.get(s, "total")
        if sub.is_empty():
            continue
        fig = go.Figure()
        _band(fig, sub, s, _COLORS[0])
        level = "at month end" if s in LEVEL_SERIES else "per month"
        fig.update_layout(title=f"{s}, all locations", yaxis_title=level)
        parts.append(f"<h2>{html.escape(s)}</h2>" + _div(fig))
    return _page(f"Roxham — {name}", "".join(parts))


def _diff_stats(reps_a: pl.DataFrame, reps_b: pl.DataFrame, series: str,
                geo: str) -> pl.DataFrame:
    a = reps_a.filter((pl.col("series") == series) & (pl.col("geography") == geo))
    b = reps_b.filter((pl.col("series") == series) & (pl.col("geography") == geo))
    j = a.join(b, on=["replicate", "month"], suffix="_b").with_columns(
        (pl.col("value_b") - pl.col("value")).alias("d"))
    return j.group_by("month").agg(
        pl.col("d").mean().alias("value"),
        pl.col("d").quantile(0.05, "linear").alias("p05"),
        pl.col("d").quantile(0.95, "linear").alias("p95"),
    ).sort("month")


COMPARE_SERIES: tuple[tuple[str, str, str], ...] = (
    ("rcmp_interceptions", "QC", "RCMP interceptions, Quebec"),
    ("rcmp_interceptions", "CA", "RCMP interceptions, Canada"),
    ("claims_total", "CA", "Claims, all office types, Canada"),
    ("claims_inland", "CA", "Claims at inland offices, Canada"),
    ("claims_land_poe", "CA", "Claims at land border offices, Canada"),
    ("claims_land_poe", "QC", "Claims at land border offices, Quebec"),
    ("stca_returns", "CA", "Returned under the STCA"),
    ("irb_pending", "CA", "IRB pending inventory"),
    ("usbp_apprehensions", "US-SWANTON", "USBP apprehensions, Swanton (southbound)"),  # issue 15
    ("usbp_apprehensions", "US-NORTH", "USBP apprehensions, northern border"),  # issue 15
)


#: Series that are levels (end of month), not flows: compared by their last value.
LEVEL_SERIES = (
    "irb_pending", "population", "queue_length", "camp_population", "agents")


def compare_series(ma: pl.DataFrame, mb: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(series, geography, label) compared between two runs: the Canada–US series of
    :data:`COMPARE_SERIES` both runs hold; for runs of other models,
    every series at geography ``total`` that both hold (the generic engine's, Flee's)."""
    keys_a = set(ma.select("series", "geography").iter_rows())
    keys_b = set(mb.select("series", "geography").iter_rows())
    both = keys_a & keys_b
    known = [c for c in COMPARE_SERIES if (c[0], c[1]) in both]
    if known:
        return known
    order = list(dict.fromkeys(ma["series"].to_list()))
    return [(s, "total", f"{s} (total)") for s in order if (s, "total") in both]


def summary_differences(ma: pl.DataFrame, mb: pl.DataFrame, reps_a: pl.DataFrame,
                        reps_b: pl.DataFrame) -> list[dict[str, Any]]:
    """Per compared series (:func:`compare_series`): totals of A and B over the period and
    B − A with a 5–95 % band over paired replicates (same replicate seeds: common random
    numbers)."""
    rows = []
    sim_a, sim_b = SeriesIndex(ma, "month"), SeriesIndex(mb, "month")
    for s, g, label in compare_series(ma, mb):
        a = sim_a.get(s, g)
        b = sim_b.get(s, g)
        if a.is_empty() or b.is_empty():
            continue
        level = s in LEVEL_SERIES
        ta = float(a["value"][-1]) if level else float(a["value"].sum())
        tb = float(b["value"][-1]) if level else float(b["value"].sum())
        lo_d = hi_d = float("nan")
        if reps_a.height and reps_b.height:
            ra = reps_a.filter((pl.col("series") == s) & (pl.col("geography") == g))
            rb = reps_b.filter((pl.col("series") == s) & (pl.col("geography") == g))
            if level:
                last = ra["month"].max()
                ra = ra.filter(pl.col("month") == last)
                rb = rb.filter(pl.col("month") == last)
            da = ra.group_by("replicate").agg(pl.col("value").sum())
            db = rb.group_by("replicate").agg(pl.col("value").sum())
            j = da.join(db, on="replicate", suffix="_b")
            if j.height:
                d = (j["value_b"] - j["value"]).to_numpy()
                lo_d, hi_d = float(np.quantile(d, 0.05)), float(np.quantile(d, 0.95))
        rows.append({"series": s, "geography": g, "label": label, "a": ta, "b": tb,
                     "diff": tb - ta, "diff_p05": lo_d, "diff_p95": hi_d,
                     "kind": "end level" if level else "period total"})
    return rows


def render_compare_report(name_a: str, ma: pl.DataFrame, reps_a: pl.DataFrame, name_b: str,
                          mb: pl.DataFrame, reps_b: pl.DataFrame) -> str:
    """HTML page comparing run A with run B: both series with bands and B − A."""
    months = sorted(set(ma["month"].to_list()) & set(mb["month"].to_list()))
    lo, hi = months[0], months[-1]
    parts = [f"<h1>Roxham — compare: {html.escape(name_a)} vs {html.escape(name_b)}</h1>",
             "<p class='meta'>Bands: 5–95 % over replicates. Differences are paired by "
             "replicate (same seeds), so their band is the uncertainty of the difference.</p>"]
    rows = summary_differences(ma, mb, reps_a, reps_b)
    trs = "".join(
        f"<tr><td class='l'>{html.escape(r['label'])}</td><td class='l'>{r['kind']}</td>"
        f"<td>{r['a']:,.0f}</td><td>{r['b']:,.0f}</td><td>{r['diff']:+,.0f}</td>"
        f"<td>[{r['diff_p05']:+,.0f}, {r['diff_p95']:+,.0f}]</td></tr>" for r in rows)
    parts.append(
        f"<table><tr><th class='l'>series</th><th class='l'></th><th>{html.escape(name_a)}</th>"
        f"<th>{html.escape(name_b)}</th><th>B − A</th><th>5–95 %</th></tr>{trs}</table>")
    sim_a, sim_b = SeriesIndex(ma, "month"), SeriesIndex(mb, "month")
    for s, g, label in compare_series(ma, mb):
        a, b = sim_a.get(s, g), sim_b.get(s, g)
        if a.is_empty() or b.is_empty():
            continue
        fig = go.Figure()
        _band(fig, a, name_a, _COLORS[0])
        _band(fig, b, name_b, _COLORS[1])
        if reps_a.height and reps_b.height:
            d = _diff_stats(reps_a, reps_b, s, g)
            _band(fig, d, f"{name_b} − {name_a}", _COLORS[2])
        fig.update_layout(title=label, yaxis_title="per month")
        _events(fig, lo, hi)
        parts.append(f"<h2>{html.escape(label)}</h2>" + _div(fig))
    return _page(f"Roxham — {name_a} vs {name_b}", "".join(parts))
