"""The southbound half in the run report (issue 15): US Border Patrol apprehensions, Swanton
and the whole northern border, simulated vs observed, and the southbound flows the northbound
model implies. Observed figures come from :mod:`roxham.data.usbp` (the report does not import
models)."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from roxham.report.series_index import SeriesIndex

__all__ = ["southbound_html"]

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def southbound_html(m: SeriesIndex, lo: str, hi: str) -> str:
    """HTML of the southbound section of the run's series ``m`` ('' when the run has no
    southbound rows)."""
    from roxham.data.usbp import usbp_apprehensions
    from roxham.report.run_report import _band, _div, _events, _sources, _x

    if not m.geographies("usbp_apprehensions"):
        return ""
    out = ["<h2>Southbound: US Border Patrol apprehensions — simulated vs observed</h2>",
           "<p class='note'>People crossing from Canada into the US between ports (air "
           "arrivals into Canada by nationality under the visa rules of each date; model "
           "parameters fitted on 2017-01..2024-02 only). Band: 5–95 % over replicates, "
           "including the fitted month-to-month noise. Observed: CBP (FY2017-FY2020) and "
           "DHS OHSS (rounded to 10).</p>"]
    for geos, title in ((["US-SWANTON", "US-NORTH"], "USBP apprehensions, Swanton sector and "
                         "northern border"),):
        fig = go.Figure()
        srcs: list[tuple[str, str]] = []
        for i, g in enumerate(geos):
            col = _COLORS[i]
            sub = m.get("usbp_apprehensions", g)
            _band(fig, sub, f"simulated {g}", col)
            ob = usbp_apprehensions(g, lo, hi).filter(~pl.col("missing"))
            if ob.height:
                fig.add_trace(go.Scatter(x=_x(ob["period"].to_list()), y=ob["value"].to_list(),
                                         mode="markers", name=f"observed {g}",
                                         marker={"color": col, "size": 6,
                                                 "symbol": "circle-open"}))
                for u in dict.fromkeys(ob["source_url"].to_list()):
                    srcs.append((f"usbp_apprehensions {g}", u))
        fig.update_layout(title=title, yaxis_title="per month")
        _events(fig, lo, hi)
        out.append(_div(fig) + _sources(srcs))
    fig = go.Figure()
    rows = [("southbound_crossings", "US-NORTH", "crossings into the US (all sectors)"),
            ("returned_to_canada", "US-NORTH", "apprehended and handed back to Canada"),
            ("returned_to_us", "CA", "returned to the US at Canadian ports (STCA, COVID order)"),
            ("second_thoughts_to_us", "CA", "claimants in Canada going back south")]
    for i, (s, g, label) in enumerate(rows):
        sub = m.get(s, g)
        if sub.height:
            _band(fig, sub, label, _COLORS[i % len(_COLORS)])
    fig.update_layout(title="Southbound flows (simulated)", yaxis_title="people per month")
    out.append(_div(fig))
    tot = {s: float(m.get(s, g)["value"].sum()) for s, g, _ in rows}
    out.append("<p class='note'>" + "; ".join(
        f"{html.escape(label)}: {tot[s]:,.0f}" for s, _, label in rows) + f" ({lo} → {hi}).</p>")
    return "".join(out)
