"""The summary on top of a run's report: one paragraph computed from the run's monthly table,
a table of the built-in scenarios and what each changes, and how to open their comparison.

Every number carries its source and grade: *sim.* (this run: mean over replicates, with the
5–95 % band over replicates), *official* (a published figure, linked), *(A)* an assumption.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

__all__ = ["PROTOCOL_AFTER", "PROTOCOL_BEFORE", "protocol_figures", "render_summary",
           "scenario_table"]

#: Windows compared around the Additional Protocol (in force on roxham.law's D_PROTOCOL):
#: before (a year of steady crossings, before the NYC re-ticketing peak fades) and after
#: (from the first full month after it).
PROTOCOL_BEFORE = ("2022-04", "2023-02")
PROTOCOL_AFTER = ("2023-05", "2024-12")


def _sel(m: pl.DataFrame, series: str, geo: str, lo: str = "", hi: str = "9999") -> pl.DataFrame:
    return m.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                    & (pl.col("month") >= lo) & (pl.col("month") <= hi)).sort("month")


def _n(x: Any) -> str:
    return f"{float(x):,.0f}"


def _sim(replicates: Any) -> str:
    return (f'<span class="grade sim" title="simulated: this run, {replicates} replicates">'
            "[sim.]</span>")


def _official(url: str, note: str = "") -> str:
    title = html.escape(note or "official figure")
    return (f'<a class="grade official" href="{html.escape(url)}" title="{title}">'
            "[official]</a>")


def protocol_figures(m: pl.DataFrame) -> dict[str, float] | None:
    """Quebec RCMP interceptions per month before and after the Protocol: means of the
    monthly mean, 5th and 95th percentiles over each window; ``None`` if the run does not
    cover both windows."""
    b = _sel(m, "rcmp_interceptions", "QC", *PROTOCOL_BEFORE)
    a = _sel(m, "rcmp_interceptions", "QC", *PROTOCOL_AFTER)
    if b.is_empty() or a.is_empty():
        return None
    out = {f"{k}_{c}": float(d[c].mean())  # type: ignore[arg-type]
           for k, d in (("before", b), ("after", a)) for c in ("value", "p05", "p95")}
    out["drop"] = 1.0 - out["after_value"] / out["before_value"] if out["before_value"] else 0.0
    # the fall's range from the bands' bounds: the least and the most it could be
    out["drop_lo"] = 1.0 - out["after_p95"] / out["before_p05"] if out["before_p05"] else 0.0
    out["drop_hi"] = 1.0 - out["after_p05"] / out["before_p95"] if out["before_p95"] else 0.0
    return out


def _observed_window(observed: pl.DataFrame | None, lo: str,
                     hi: str) -> tuple[float, int, str, str] | None:
    if observed is None or observed.is_empty():
        return None
    ob = observed.filter((pl.col("series") == "rcmp_interceptions")
                         & (pl.col("geography") == "QC"))
    ob = ob.filter((pl.col("period").str.len_chars() == 7) & (pl.col("period") >= lo)
                   & (pl.col("period") <= hi))
    if ob.is_empty():
        return None
    return (float(ob["value"].mean()), ob.height,  # type: ignore[arg-type]
            str(ob["source_url"][0]), str(ob["source_note"][0]))


def render_summary(m: pl.DataFrame, manifest: dict[str, Any],
                   observed: pl.DataFrame | None = None) -> str:
    """The summary paragraph (HTML ``<p id="summary">``) of a run's monthly table;
    ``observed``: the official figures stored with the run (``observed.parquet``)."""
    months = sorted(set(m["month"].to_list()))
    lo, hi = months[0], months[-1]
    reps = manifest.get("replicates", "?")
    sim = _sim(reps)
    name = html.escape(str(manifest.get("scenario_name", "run")))
    parts: list[str] = []
    ca, qc = _sel(m, "rcmp_interceptions", "CA"), _sel(m, "rcmp_interceptions", "QC")
    if ca.height:
        pk = qc.sort("value", descending=True).row(0, named=True) if qc.height else None
        parts.append(
            f"From {lo} to {hi}, scenario <b>{name}</b> puts "
            f'<b data-figure="interceptions_ca_total">{_n(ca["value"].sum())}</b> RCMP '
            "interceptions between ports of entry in Canada "
            f'(<span data-figure="interceptions_qc_total">{_n(qc["value"].sum())}</span> in '
            f"Quebec) {sim}"
            + (f"; the busiest month in Quebec is <span data-figure=\"qc_peak_month\">"
               f"{pk['month']}</span> with <span data-figure=\"qc_peak\">{_n(pk['value'])}"
               f"</span> (5–95 %: <span data-figure=\"qc_peak_p05\">{_n(pk['p05'])}</span>–"
               f"<span data-figure=\"qc_peak_p95\">{_n(pk['p95'])}</span>) {sim}"
               if pk else "") + ".")
    claims = _sel(m, "claims_total", "CA")
    if claims.height:
        parts.append(f'Asylum claims, all offices: <b data-figure="claims_total">'
                     f'{_n(claims["value"].sum())}</b> {sim}.')
    p = protocol_figures(m)
    if p is None:
        parts.append("The run does not cover both 2022-04..2023-02 and 2023-05..2024-12, so "
                     "it says nothing on the Additional Protocol (March 2023) by itself.")
    else:
        txt = (
            "After the Additional Protocol (March 2023: the STCA applies between ports of entry "
            "too, to claims made soon after crossing), Quebec interceptions "
            f"go from <b data-figure=\"qc_before\">{_n(p['before_value'])}</b> a month "
            f"(5–95 %: <span data-figure=\"qc_before_p05\">{_n(p['before_p05'])}</span>–"
            f"<span data-figure=\"qc_before_p95\">{_n(p['before_p95'])}</span>) in "
            f"{PROTOCOL_BEFORE[0]}..{PROTOCOL_BEFORE[1]} to "
            f"<b data-figure=\"qc_after\">{_n(p['after_value'])}</b> "
            f"(5–95 %: <span data-figure=\"qc_after_p05\">{_n(p['after_p05'])}</span>–"
            f"<span data-figure=\"qc_after_p95\">{_n(p['after_p95'])}</span>) in "
            f"{PROTOCOL_AFTER[0]}..{PROTOCOL_AFTER[1]}: a fall of "
            f"<b data-figure=\"qc_drop\">{100 * p['drop']:.1f} %</b> (between "
            f"<span data-figure=\"qc_drop_lo\">{100 * p['drop_lo']:.1f}</span> and "
            f"<span data-figure=\"qc_drop_hi\">{100 * p['drop_hi']:.1f}</span> % from the "
            f"bands' bounds) {sim}. The fall is not imposed: it comes from the law table "
            "through the agents' choices.")
        ob = _observed_window(observed, *PROTOCOL_BEFORE)
        oa = _observed_window(observed, *PROTOCOL_AFTER)
        if ob and oa:
            txt += (f" Observed: <span data-figure=\"obs_before\">{_n(ob[0])}</span> a month "
                    f"({ob[1]} months with a figure) {_official(ob[2], ob[3])} → "
                    f"<span data-figure=\"obs_after\">{_n(oa[0])}</span> ({oa[1]} months) "
                    f"{_official(oa[2], oa[3])}, −{100 * (1 - oa[0] / ob[0]):.1f} %.")
        parts.append(txt)
    pend = _sel(m, "irb_pending", "CA")
    if pend.height:
        last = pend.row(-1, named=True)
        parts.append(f"IRB pending claims at the end ({last['month']}): "
                     f"<span data-figure=\"irb_end\">{_n(last['value'])}</span> (5–95 %: "
                     f"{_n(last['p05'])}–{_n(last['p95'])}) {sim}.")
    cal = manifest.get("calibration")
    train = (cal or {}).get("train") or {}
    parts.append(
        "Demand, nationality mixes and family shares are assumptions "
        '<span class="grade assumed" title="assumption">(A)</span>'
        + (f"; the free parameters are calibrated on {html.escape(str(train.get('start')))}.."
           f"{html.escape(str(train.get('end')))} only, later months are out of sample."
           if cal else "; parameters hand-tuned on 2017–2022 (A)."))
    return '<p id="summary" class="summary">' + " ".join(parts) + "</p>"


def scenario_table(manifest: dict[str, Any]) -> str:
    """The built-in scenarios, what each changes (``manifest["scenario_descriptions"]``, stored
    by the model with the run), and the command (run in the report's folder) that writes its
    comparison with this run next to the report: the link then opens it."""
    rows = []
    descriptions = manifest.get("scenario_descriptions") or {}
    for sc, desc in descriptions.items():
        if sc == "historical":
            how = "the baseline: the real policy timeline"
            link = ""
        else:
            file = f"compare-{sc}.html"
            how = (f"<code>roxham compare . {sc} --seed {manifest.get('seed')} -r "
                   f"{manifest.get('replicates')} -o {file}</code>")
            link = f'<a class="compare-link" href="{file}">{file}</a>'
        rows.append(f"<tr><td class='l'><b>{html.escape(sc)}</b></td>"
                    f"<td class='l'>{html.escape(' '.join(str(desc).split()))}</td>"
                    f"<td class='l'>{how}</td><td class='l'>{link}</td></tr>")
    return ("<table id='scenario-table'><tr><th class='l'>scenario</th><th class='l'>what it "
            "changes</th><th class='l'>its difference from this run (B − A with a 5–95 % band,"
            " paired replicates)</th><th class='l'>compare view</th></tr>"
            + "".join(rows) + "</table><p class='src'>Run the command in this report's folder "
            "(same seed and replicates: paired); the compare view link then opens it.</p>")


def render_forecast_summary(vals: Any, obs: Any) -> str:
    """The summary paragraph on top of a forecast (``roxham validate``) report: per origin,
    on how many series the model beats each baseline (MASE), and the forecast of the first
    target series over the test window (median with the 5–95 % band, means of the monthly
    figures) against the official figures of the same months.

    ``vals``: :class:`roxham.calibrate.validate.Validation` objects; ``obs``: their
    :class:`roxham.calibrate.distance.Observed`."""
    parts: list[str] = []
    for v in vals:
        rows = [r for r in v.skill if r.model_mase == r.model_mase]  # drop NaN
        beat_sn = sum(r.model_mase < r.seasonal_mase for r in rows)
        beat_lv = sum(r.model_mase < r.last_mase for r in rows)
        txt = (f"Trained on {v.train_start}..{v.train_end} and forecasting to {v.test_end}, "
               f"the model beats the seasonal-naive forecast on "
               f'<b data-figure="beats_seasonal">{beat_sn}</b> of '
               f'<span data-figure="series_scored">{len(rows)}</span> series and the '
               f'last-value forecast on <b data-figure="beats_last">{beat_lv}</b> (MASE; '
               "baselines from official figures up to the training end).")
        key = next((k for k in obs.series
                    if not v.bands.filter((pl.col("series") == k.split("/")[0])
                                          & (pl.col("geography") == k.split("/")[-1])).is_empty()),
                   None)
        if key is not None:
            series, geo = key.split("/")
            b = v.bands.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                               & (pl.col("month") > v.train_end)
                               & (pl.col("month") <= v.test_end))
            figs = obs.series[key][0]
            months = [m for m in b["month"].to_list() if m in figs]
            if b.height:
                txt += (f" {html.escape(key)} per month after {v.train_end}: forecast "
                        f'<span data-figure="forecast_p50">{_n(b["p50"].mean())}</span> '
                        f'(5–95 %: <span data-figure="forecast_p05">{_n(b["p05"].mean())}'
                        f'</span>–<span data-figure="forecast_p95">{_n(b["p95"].mean())}'
                        f"</span>) {_sim(v.draws)}")
                if months:
                    o = sum(figs[m] for m in months) / len(months)
                    txt += (f'; official <span data-figure="official_mean">{_n(o)}</span> over '
                            f"the {len(months)} months with a figure "
                            f"{_official(str(obs.sources.get(key, '')))}")
                txt += "."
        if v.protocol:
            txt += (f" Across the Additional Protocol, Quebec interceptions change by "
                    f"{100 * v.protocol['simulated']:+.1f} % in the forecast {_sim(v.draws)} "
                    f"against {100 * v.protocol['observed']:+.1f} % observed.")
        parts.append(txt)
    return '<p id="summary" class="summary">' + " ".join(parts) + "</p>"
