"""Out-of-sample validation: fit on the training window, forecast the test window with the
real policy timeline, score against two naive baselines.

Forecasts, per target series (months of the test window that have an official figure):

- **model**: median (p50) of an ensemble of posterior draws × seeds (bands p05–p95);
- **seasonal naive**: the official figure 12 months earlier, or 24, 36… (the latest one on or
  before the training end: a forecast made at the origin never sees test data);
- **last value**: the last official figure on or before the training end.

Skill: sMAPE (%) and MASE = MAE / (in-sample MAE of the lag-12 seasonal naive over the training
months that have both figures; lag-1 naive if there are fewer than 3 such pairs). MASE < 1 beats
the in-sample seasonal naive; compare the columns to see which forecast wins.

The Additional Protocol (its date is the law's, ``roxham.law.law_date("D_PROTOCOL")``; its
month is :data:`PROTOCOL_MONTH`): when the test window holds months both before and after,
the relative change in Quebec interceptions, mean(official months after PROTOCOL_MONTH..test
end) / mean(official months test start..PROTOCOL_MONTH) − 1, simulated (same months) vs
observed.

>>> mase([2.0, 4.0], [1.0, 4.0], 2.0)
0.25
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from roxham import law, metrics
from roxham.calibrate.distance import Observed, month_range, smape
from roxham.metrics import mase, shift_month

__all__ = [
    "PROTOCOL_DAY",
    "PROTOCOL_MONTH",
    "SkillRow",
    "Validation",
    "last_value_forecast",
    "mase",
    "mase_scale",
    "protocol_change",
    "render_validation_report",
    "seasonal_naive_forecast",
    "skill_table",
]

#: The month the Additional Protocol came into force (the last month counted "before").
_protocol_day = law.law_date("D_PROTOCOL")
assert _protocol_day is not None  # the law as enacted has the Protocol
PROTOCOL_DAY: dt.date = _protocol_day
PROTOCOL_MONTH = f"{PROTOCOL_DAY:%Y-%m}"


def _shift(month: str, k: int) -> str:
    return shift_month(month, k)


def mase_scale(train: Mapping[str, float]) -> float:
    """In-sample MAE of the lag-12 naive (lag 1 if fewer than 3 pairs) over ``train``
    (:func:`roxham.metrics.mase_scale`, without the lag).

    >>> mase_scale({"2020-01": 10.0, "2020-02": 14.0})
    4.0
    """
    return metrics.mase_scale(train)[0]


#: Seasonal naive forecasts from the training figures (:func:`roxham.metrics.seasonal_naive`).
seasonal_naive_forecast = metrics.seasonal_naive
#: The last training figure, for every month (:func:`roxham.metrics.last_value`).
last_value_forecast = metrics.last_value


@dataclass(frozen=True)
class SkillRow:
    """Skill of the three forecasts on one target series."""

    key: str
    n: int
    model_smape: float
    seasonal_smape: float
    last_smape: float
    model_mase: float
    seasonal_mase: float
    last_mase: float

    def to_json(self) -> dict[str, Any]:
        """Plain data (nan → None)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in self.__dict__.items()}


def _score(fc: Mapping[str, float], actual: Mapping[str, float], months: list[str],
           scale: float) -> tuple[float, float]:
    ms = [m for m in months if m in fc]
    if not ms:
        return math.nan, math.nan
    f = [fc[m] for m in ms]
    a = [actual[m] for m in ms]
    return smape(f, a), mase(f, a, scale)


def skill_table(
    sim_p50: Mapping[str, Mapping[str, float]], obs: Observed, train_start: str,
    train_end: str, test_end: str,
) -> list[SkillRow]:
    """Per target: sMAPE and MASE of model, seasonal naive and last value on the test months
    that have an official figure (and a forecast from every method)."""
    test_start = _shift(train_end, 1)
    rows = []
    for key in obs.series:
        train, _ = obs.window(key, train_start, train_end)
        test, _ = obs.window(key, test_start, test_end)
        sn = seasonal_naive_forecast(train, list(test))
        lv = last_value_forecast(train, list(test))
        model = {m: v for m, v in sim_p50.get(key, {}).items() if m in test}
        months = [m for m in test if m in sn and m in lv and m in model]
        if not months:
            continue
        scale = mase_scale(train)
        ms, mm = _score(model, test, months, scale)
        ss, sm = _score(sn, test, months, scale)
        ls, lm = _score(lv, test, months, scale)
        rows.append(SkillRow(key, len(months), ms, ss, ls, mm, sm, lm))
    return rows


def protocol_change(
    sim: Mapping[str, float], obs: Mapping[str, float], test_start: str, test_end: str
) -> dict[str, Any] | None:
    """Relative change across the Additional Protocol (see module doc); None when the test
    window or the official figures do not cover both sides.

    >>> protocol_change({"2023-03": 100.0, "2023-04": 10.0}, {"2023-03": 80.0, "2023-04": 4.0},
    ...                 "2023-01", "2023-12")["observed"]
    -0.95
    """
    months = month_range(test_start, test_end)
    pre = [m for m in months if m <= PROTOCOL_MONTH and m in obs and m in sim]
    post = [m for m in months if m > PROTOCOL_MONTH and m in obs and m in sim]
    if not pre or not post:
        return None

    def rel(d: Mapping[str, float]) -> float:
        a = float(np.mean([d[m] for m in pre]))
        b = float(np.mean([d[m] for m in post]))
        return b / a - 1.0 if a > 0 else math.nan

    return {"pre_months": pre, "post_months": post, "observed": round(rel(obs), 4),
            "simulated": round(rel(sim), 4)}


@dataclass
class Validation:
    """Result of one validation origin."""

    train_start: str
    train_end: str
    test_end: str
    skill: list[SkillRow]
    protocol: dict[str, Any] | None
    bands: pl.DataFrame
    parameters: dict[str, float]
    fit_distance: float
    budget: int
    draws: int
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain data (bands left out)."""
        return {
            "train": [self.train_start, self.train_end], "test_end": self.test_end,
            "skill": [r.to_json() for r in self.skill], "protocol_change_qc": self.protocol,
            "parameters": self.parameters, "fit_distance": self.fit_distance,
            "budget": self.budget, "draws": self.draws, "notes": self.notes,
        }


def _fmt(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:.2f}"


def render_validation_report(vals: Sequence[Validation], obs: Observed, title: str) -> str:
    """Self-contained HTML (Plotly inlined): skill tables, protocol change, and per target
    the official figures, the ensemble median and 5–95 % band, and both baselines."""
    import plotly.graph_objects as go
    import plotly.offline

    parts = [f"<h1>{html.escape(title)}</h1>",
             "<p class='meta'>Model forecast = median of posterior draws × seeds, real policy "
             "timeline; baselines use only official figures up to the training end. MASE "
             "scaled by the in-sample lag-12 naive MAE. Lower is better.</p>"]
    from roxham.report.summary import render_forecast_summary

    parts.append(render_forecast_summary(vals, obs))
    for v in vals:
        parts.append(f"<h2>Origin {v.train_end}: train {v.train_start}..{v.train_end}, test "
                     f"..{v.test_end} (budget {v.budget}, {v.draws} draws)</h2>")
        parts.append("<table><tr><th class='l'>series</th><th>n</th><th>sMAPE model</th>"
                     "<th>sMAPE seasonal</th><th>sMAPE last</th><th>MASE model</th>"
                     "<th>MASE seasonal</th><th>MASE last</th></tr>")
        for r in v.skill:
            parts.append(
                f"<tr><td class='l'>{html.escape(r.key)}</td><td>{r.n}</td>"
                + "".join(f"<td>{_fmt(x)}</td>" for x in (
                    r.model_smape, r.seasonal_smape, r.last_smape, r.model_mase,
                    r.seasonal_mase, r.last_mase))
                + "</tr>")
        parts.append("</table>")
        if v.protocol:
            p = v.protocol
            parts.append(
                "<p>Quebec interceptions across the Additional Protocol "
                f"({PROTOCOL_DAY}): observed "
                f"{100 * p['observed']:+.1f} %, simulated {100 * p['simulated']:+.1f} % "
                f"(months {', '.join(p['pre_months'])} → {', '.join(p['post_months'])}).</p>")
        for note in v.notes:
            parts.append(f"<p class='note'>{html.escape(note)}</p>")
        test_start = _shift(v.train_end, 1)
        for key in obs.series:
            series, geo = key.split("/")
            b = v.bands.filter((pl.col("series") == series) & (pl.col("geography") == geo))
            if b.is_empty():
                continue
            b = b.sort("month")
            figs = obs.series[key][0]
            train, _ = obs.window(key, v.train_start, v.train_end)
            test_months = month_range(test_start, v.test_end)
            sn = seasonal_naive_forecast(train, test_months)
            lv = last_value_forecast(train, test_months)
            x = [f"{m}-15" for m in b["month"].to_list()]
            fig = go.Figure()
            fig.add_trace(go.Scatter(x=x, y=b["p95"].to_list(), line={"width": 0},
                                     showlegend=False, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=x, y=b["p05"].to_list(), fill="tonexty",
                                     line={"width": 0}, name="model 5–95 %",
                                     fillcolor="rgba(31,119,180,0.2)"))
            fig.add_trace(go.Scatter(x=x, y=b["p50"].to_list(), name="model p50",
                                     line={"color": "#1f77b4"}))
            om = sorted(m for m in figs if m <= v.test_end)
            fig.add_trace(go.Scatter(x=[f"{m}-15" for m in om], y=[figs[m] for m in om],
                                     mode="markers", name="official",
                                     marker={"color": "#222", "size": 5}))
            for fc, name, color in ((sn, "seasonal naive", "#d62728"),
                                    (lv, "last value", "#ff7f0e")):
                ms = sorted(fc)
                fig.add_trace(go.Scatter(x=[f"{m}-15" for m in ms], y=[fc[m] for m in ms],
                                         name=name, line={"dash": "dash", "color": color}))
            fig.add_vline(x=f"{test_start}-01", line_dash="dot", line_color="#888")
            fig.update_layout(title=f"{key}", height=330, margin={"t": 40, "b": 30},
                              legend={"orientation": "h"})
            parts.append(str(fig.to_html(full_html=False, include_plotlyjs=False)))
            src = obs.sources.get(key, "")
            parts.append(f"<p class='src'>Official: roxham.data ({html.escape(src)})</p>")
    js = plotly.offline.get_plotlyjs()
    css = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1rem}"
           "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;"
           "padding:3px 8px;text-align:right}th{background:#f4f4f4}.l{text-align:left}"
           ".src{font-size:.78rem;color:#555}.note{background:#fafafa;padding:.4rem}"
           ".summary{background:#f5f8fc;border-left:4px solid #1f77b4;padding:.6rem 1rem}"
           ".grade{font-size:.72rem}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{html.escape(title)}</title><style>{css}</style><script>{js}</script></head>"
            f"<body>{''.join(parts)}</body></html>")


def validate_model(
    model: Any,
    train_end: str = "2022-12",
    test_end: str = "2024-12",
    budget: int = 300,
    draws: int = 16,
    seed: int = 1,
    train_start: str = "2017-01",
    executor: Any = None,
    observed: Observed | None = None,
    checkpoint: Any = None,
    progress: Any = None,
    calibration: Any = None,
) -> Validation:
    """Fit ``model`` on [train_start, train_end] (or use ``calibration``, a
    :class:`~roxham.calibrate.fit.Calibration` or a parameter file, when its training end is
    ``train_end``), then forecast to ``test_end`` with ``draws`` posterior draws and score."""
    from roxham.calibrate.distance import load_observed, sim_table
    from roxham.calibrate.ensemble import draw_parameters, ensemble
    from roxham.calibrate.executor import LocalExecutor
    from roxham.calibrate.fit import calibrate
    from roxham.errors import UserError

    if test_end <= train_end:
        raise UserError(f"--test-end {test_end} must be after --train-end {train_end}")
    month_range(train_start, test_end)
    ex = executor if executor is not None else LocalExecutor()
    obs = observed if observed is not None else load_observed(model.targets)
    notes: list[str] = []
    fit_obs = obs  # the calibration's distance (may hold annual targets)
    obs = obs.monthly_only()  # skill is month by month
    if calibration is None:
        cal = calibrate(model, budget=budget, seed=seed, train_start=train_start,
                        train_end=train_end, executor=ex, observed=fit_obs, checkpoint=checkpoint,
                        progress=progress)
        names, samples, weights = cal.posterior_names, cal.posterior_samples, \
            cal.posterior_weights
        point, dist = cal.best, cal.best_distance
    else:
        names, samples, weights = calibration.posterior()
        point = calibration.parameters
        dist = float(calibration.data.get("fit", {}).get("distance") or math.nan)
        budget = int(calibration.data.get("method", {}).get("budget") or 0)
        notes.append(f"parameters from {calibration.where} (fitted on the same window)")
    params = draw_parameters(names, samples, weights, draws, seed, point)
    _, bands = ensemble(model, params, test_end, seed=seed + 1, executor=ex, progress=progress)
    p50: dict[str, dict[str, float]] = sim_table(
        bands.select("month", "series", "geography", pl.col("p50").alias("value")),
        list(obs.series))
    skill = skill_table(p50, obs, train_start, train_end, test_end)
    test_start = _shift(train_end, 1)
    missing = [k for k in obs.series if not obs.window(k, test_start, test_end)[0]]
    if missing:
        notes.append("no official figure in the test window for: " + ", ".join(missing))
    qc = "rcmp_interceptions/QC"
    prot = None
    if qc in obs.series:
        qobs, _ = obs.window(qc, test_start, test_end)
        prot = protocol_change(p50.get(qc, {}), qobs, test_start, test_end)
    return Validation(train_start, train_end, test_end, skill, prot, bands, point, dist,
                      budget, draws, notes)


def plot_validation_png(v: Validation, obs: Observed, path: Any,
                        keys: Sequence[str] = ("rcmp_interceptions/QC",
                                               "rcmp_interceptions/CA")) -> None:
    """A static PNG (matplotlib) of ``keys``: official figures, model p50 and 5–95 % band,
    the two baselines, and the training end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in keys if k in obs.series]
    fig, axes = plt.subplots(len(keys), 1, figsize=(9, 3.2 * len(keys)), squeeze=False)
    test_months = month_range(_shift(v.train_end, 1), v.test_end)

    def d(m: str) -> dt.date:
        return dt.date(int(m[:4]), int(m[5:7]), 15)

    for ax, key in zip(axes[:, 0], keys, strict=True):
        series, geo = key.split("/")
        b = v.bands.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                           ).sort("month")
        x = [d(m) for m in b["month"].to_list()]
        ax.fill_between(x, b["p05"].to_list(), b["p95"].to_list(), alpha=0.25,
                        color="#1f77b4", label="model 5–95 %")
        ax.plot(x, b["p50"].to_list(), color="#1f77b4", lw=1.2, label="model p50")
        figs = obs.series[key][0]
        om = sorted(m for m in figs if m <= v.test_end)
        ax.plot([d(m) for m in om], [figs[m] for m in om], "k.", ms=4, label="official")
        train, _ = obs.window(key, v.train_start, v.train_end)
        for fc, name, c in ((seasonal_naive_forecast(train, test_months), "seasonal naive",
                             "#d62728"), (last_value_forecast(train, test_months),
                                          "last value", "#ff7f0e")):
            ms = sorted(fc)
            ax.plot([d(m) for m in ms], [fc[m] for m in ms], "--", color=c, lw=1, label=name)
        ax.axvline(d(v.train_end), color="#888", ls=":", lw=1)
        ax.axvline(PROTOCOL_DAY, color="#888", ls="-.", lw=0.8)
        ax.set_title(f"{key}: fit ≤ {v.train_end}, forecast to {v.test_end}", fontsize=10)
        ax.legend(fontsize=7, ncol=3)
    axes[-1, 0].text(0, -0.25, "Official: IRCC monthly RCMP interceptions via roxham.data; "
                     f"dotted: training end; dash-dot: {PROTOCOL_DAY}",
                     transform=axes[-1, 0].transAxes,
                     fontsize=7, color="#555")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
