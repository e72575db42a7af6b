"""Rolling-origin forecast backtest: forecasts made at past origins, scored on what followed.

At each origin (a month), every forecaster sees only the official figures of months up to and
including the origin (:func:`history_until`, the one place where data are cut) and forecasts
the ``horizon`` months after it. The harness then scores, per series, origin and horizon
h = 1..12, the forecaster under test ("model") and three baselines made from the same history
(:mod:`roxham.metrics`): seasonal naive (lag 12), last value, and a statistical forecaster
(``statsforecast`` AutoETS, or AutoARIMA, per series and origin).

Histories hold each month's preferred figure of any grade (what was known); outcomes are only
figures of a target grade (:data:`TARGET_GRADES`, as for calibration). Measures:

- MASE: |point − outcome| / scale, the scale being the series' in-sample seasonal-naive
  (lag 12) MAE over its history up to the origin (lag 1 if fewer than 3 pairs, see
  :func:`roxham.metrics.mase_scale`); the model's point is its median. A series' MASE is the
  mean over its (origin, horizon) outcomes; the overall MASE of a forecaster is the mean over
  series (each series counts once, whatever its scale or number of outcomes). Every forecaster
  is scored on the same outcomes: those the model forecast (a series or origin the model did
  not forecast is listed in the notes, its baselines still shown, and left out of the means).
- coverage_50 / coverage_90: share of all outcomes (pooled over series, origins, horizons)
  inside the model's central 50 % / 90 % band.
- CRPS: from the model's predictive samples (quantiles if it gives only those), divided by the
  same scale as MASE so that series of different size can be pooled (``crps_model``: mean over
  series, like MASE); per series also in the series' own unit (``crps_raw``).

The forecaster under test is any callable ``(origin, history, months, draws, seed) ->
{key: Predictive}`` (:class:`Forecaster`). Named ones: ``"model"`` (the Canada–US model through
:func:`roxham.forecast.make_forecast`, when that package exists) and ``"statistical"`` (a
stand-in: the statistical baseline itself with its predictive samples).
"""

from __future__ import annotations

import importlib
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from roxham import metrics
from roxham.calibrate.executor import Executor, LocalExecutor, task_seed
from roxham.errors import UserError

__all__ = [
    "BACKTEST_SERIES",
    "DEFAULT_ORIGINS",
    "FORECASTERS",
    "Backtest",
    "Forecaster",
    "Forecasts",
    "Predictive",
    "history_until",
    "load_backtest",
    "model_forecaster",
    "render_tables",
    "run_backtest",
    "statistical_forecaster",
]

History = Mapping[str, Mapping[str, float]]

#: Backtest series → (roxham.data series, geography, subgroup). IRCC's table "Asylum
#: Claimants by Claim Office Type, Province/Territory of Claim and Claim Month": claims by the
#: office where they were made (airport, land border port of entry, inland office; ``total`` is
#: IRCC's total of all office types). People intercepted by the RCMP between ports are counted
#: under the office type of the CBSA office they were brought to (Quebec: the land port, 2017 to
#: 2023-03), so QC ``claims_land_poe`` includes them; ``rcmp_interceptions`` QC is the RCMP's
#: own monthly count (IRCC's "asylum claimants processed in CBSA/IRCC offices" table).
BACKTEST_SERIES: dict[str, tuple[str, str, str]] = {
    "claims_land_poe/QC": ("asylum_claims_by_office", "QC", "office=land_poe"),
    "claims_total/CA": ("asylum_claims_by_office", "CA", "office=total"),
    "rcmp_interceptions/QC": ("rcmp_interceptions", "QC", "all"),
    "claims_airport/CA": ("asylum_claims_by_office", "CA", "office=airport"),
    "claims_inland/CA": ("asylum_claims_by_office", "CA", "office=inland"),
}

#: Every six months, 2018-06 .. 2024-06 (13 origins; the last has outcomes for h = 1..6 only,
#: the data ending 2024-12).
DEFAULT_ORIGINS: tuple[str, ...] = tuple(
    metrics.shift_month("2018-06", 6 * i) for i in range(13))

#: Central band widths scored.
WIDTHS = (0.5, 0.9)

#: Figures of these grades only (as calibration targets, roxham.data.grades.TARGET_GRADES).
TARGET_GRADES = ("official", "official_mirror", "press_of_official")


# --- data ---------------------------------------------------------------------------------


def _read(keys: Sequence[str], grades: Sequence[str] | None) -> dict[str, dict[str, float]]:
    from roxham.data import monthly

    out: dict[str, dict[str, float]] = {}
    for key in keys:
        if key not in BACKTEST_SERIES:
            raise UserError(f"unknown backtest series {key!r}; known: "
                            + ", ".join(BACKTEST_SERIES))
        name, geo, sub = BACKTEST_SERIES[key]
        df = monthly(name, geo, subgroup=sub, grades=None if grades is None else list(grades))
        ok = df.filter(~df["missing"])
        out[key] = dict(zip(ok["month"].dt.strftime("%Y-%m").to_list(),
                            [float(v) for v in ok["value"].to_list()], strict=True))
    return out


def _cut(origin: str) -> AbstractContextManager[Any]:
    """``roxham.data.observed_until(origin)`` where it exists (issue 13), else nothing."""
    import roxham.data

    cut = getattr(roxham.data, "observed_until", None)
    return cut(origin) if cut is not None else nullcontext()


def history_until(origin: str, keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """The figures of ``keys`` for months up to and including ``origin``: the one place where
    the backtest cuts data. Read inside ``roxham.data.observed_until(origin)`` when that exists,
    and filtered by month here in any case. Each month's preferred figure of any grade
    (:func:`roxham.data.monthly`: best vintage first), as a forecaster at the origin would have
    had it (e.g. the first-reported QC interceptions of 2023 when no official figure exists);
    months without one are left out."""
    with _cut(origin):
        full = _read(keys, None)
    return {k: {m: v for m, v in d.items() if m <= origin} for k, d in full.items()}


def outcomes(keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """Every figure of a target grade (:data:`TARGET_GRADES`) of ``keys``: the outcomes scored
    (never given to a forecaster)."""
    return _read(keys, TARGET_GRADES)


# --- forecasts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Predictive:
    """A predictive distribution over the forecast months: ``samples`` ([n, H]) or
    ``quantiles`` (level → [H], with at least 0.05, 0.25, 0.5, 0.75, 0.95)."""

    samples: NDArray[np.float64] | None = None
    quantiles: Mapping[float, NDArray[np.float64]] | None = None

    def __post_init__(self) -> None:
        if self.samples is None and not self.quantiles:
            raise ValueError("a Predictive needs samples or quantiles")

    def median(self) -> NDArray[np.float64]:
        """The median per month (the point forecast)."""
        if self.samples is not None:
            return np.asarray(np.median(self.samples, axis=0), dtype=float)
        return self._q(0.5)

    def interval(self, width: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The central ``width`` band per month."""
        if self.samples is not None:
            return metrics.central_interval(self.samples, width)
        return self._q((1 - width) / 2), self._q((1 + width) / 2)

    def crps(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """CRPS per month (samples: exact; quantiles: approximation)."""
        if self.samples is not None:
            return metrics.crps_samples(self.samples, y)
        assert self.quantiles is not None
        return metrics.crps_quantiles(self.quantiles, y)

    def _q(self, level: float) -> NDArray[np.float64]:
        assert self.quantiles is not None
        for k, v in self.quantiles.items():
            if abs(k - level) < 1e-9:
                return np.asarray(v, dtype=float)
        raise ValueError(f"the forecast has no {level} quantile")


class Forecasts(dict[str, Predictive]):
    """A forecaster's answer: series → :class:`Predictive`, plus ``notes`` (e.g. "parameters
    not out of sample at this origin"), shown with the backtest's results."""

    def __init__(self, items: Mapping[str, Predictive] | None = None,
                 notes: Sequence[str] = ()) -> None:
        super().__init__(items or {})
        self.notes = list(notes)


class Forecaster(Protocol):
    """Forecasts ``months`` (the months after ``origin``) of every series of ``history`` from
    ``history`` (figures up to ``origin`` only) and whatever else it reads through
    ``roxham.data`` (cut at the origin by the caller)."""

    def __call__(self, origin: str, history: History, months: Sequence[str], draws: int,
                 seed: int) -> Mapping[str, Predictive]: ...


def statistical_forecaster(origin: str, history: History, months: Sequence[str], draws: int,
                           seed: int, method: str = "ets") -> dict[str, Predictive]:
    """Stand-in for the model: the statistical baseline's predictive samples per series."""
    out = {}
    for i, (key, h) in enumerate(sorted(history.items())):
        if h:
            f = metrics.statistical_forecast(h, months, method=method, draws=draws,
                                             seed=task_seed(seed, i))
            out[key] = Predictive(samples=f.samples)
    return out


def model_forecaster(origin: str, history: History, months: Sequence[str], draws: int,
                     seed: int) -> Forecasts:
    """The Canada–US model: ``roxham.forecast.make_forecast(origin, months=len(months),
    us_scenario="flat", draws, seed)``, run inside ``roxham.data.observed_until(origin)``;
    its predictive samples per series, or its p05/p25/p50/p75/p95 where it has no samples."""
    try:
        forecast = importlib.import_module("roxham.forecast")
    except ImportError:
        raise UserError("the model forecaster needs roxham.forecast (issue 13), which this "
                        "checkout does not have; use --forecaster statistical for the "
                        "statistical stand-in") from None
    import inspect

    extra = {"decompose": False} if "decompose" in inspect.signature(
        forecast.make_forecast).parameters else {}  # the variance shares are not scored
    with _cut(origin):
        f = forecast.make_forecast(origin=origin, months=len(months), us_scenario="flat",
                                   draws=draws, seed=seed, **extra)
    out = Forecasts()
    par = (f.manifest or {}).get("parameters", {}) if isinstance(f.manifest, dict) else {}
    if par.get("leak") or par.get("fallback"):
        out.notes.append(f"model parameters at origin {origin}: {par.get('method', '?')}"
                         + (" — NOT out of sample" if par.get("leak") else ""))
    for key in history:
        series, geo = key.split("/")
        samp = f.samples.get((series, geo)) if f.samples else None
        if samp is not None and np.shape(samp)[1] >= len(months):
            out[key] = Predictive(samples=np.asarray(samp, dtype=float)[:, :len(months)])
            continue
        import polars as pl

        rows = f.monthly.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                                & pl.col("month").is_in(list(months))).sort("month")
        if rows.height != len(months):
            continue
        out[key] = Predictive(quantiles={
            0.05: rows["p05"].to_numpy(), 0.25: rows["p25"].to_numpy(),
            0.5: rows["value"].to_numpy(), 0.75: rows["p75"].to_numpy(),
            0.95: rows["p95"].to_numpy()})
    return out


#: Forecasters by name (``--forecaster``); "statistical" is a stand-in, not the model.
FORECASTERS: dict[str, Callable[..., Mapping[str, Predictive]]] = {
    "model": model_forecaster,
    "statistical": statistical_forecaster,
}


# --- one origin ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OriginTask:
    """Work for one origin (picklable: the forecaster by name or a module-level callable)."""

    index: int
    origin: str
    keys: tuple[str, ...]
    horizon: int
    draws: int
    seed: int
    forecaster: str | Callable[..., Mapping[str, Predictive]]
    statistical: str = "ets"


@dataclass
class OriginResult:
    """Forecasts made at one origin (nothing here was computed from data after it)."""

    origin: str
    months: list[str]
    model: dict[str, Predictive]
    seasonal_naive: dict[str, dict[str, float]]
    last_value: dict[str, dict[str, float]]
    statistical: dict[str, NDArray[np.float64]]
    statistical_method: dict[str, str]
    scale: dict[str, tuple[float, int]]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def run_origin(task: OriginTask) -> OriginResult:
    """Cut the data at the origin, run the forecaster and the baselines."""
    t0 = time.perf_counter()
    hist = history_until(task.origin, task.keys)
    months = [metrics.shift_month(task.origin, h) for h in range(1, task.horizon + 1)]
    fc = FORECASTERS[task.forecaster] if isinstance(task.forecaster, str) else task.forecaster
    seed = task_seed(task.seed, task.index)
    # the forecaster gets its own copy: nothing it does reaches the baselines
    answer = fc(task.origin, {k: dict(v) for k, v in hist.items()}, months, task.draws, seed)
    model = dict(answer)
    sn, lv, st, meth, scale = {}, {}, {}, {}, {}
    for i, key in enumerate(task.keys):
        h = hist[key]
        scale[key] = metrics.mase_scale(h)
        sn[key] = metrics.seasonal_naive(h, months)
        lv[key] = metrics.last_value(h, months)
        if h:
            f = metrics.statistical_forecast(h, months, method=task.statistical, draws=2,
                                             seed=task_seed(seed, 1000 + i))
            st[key], meth[key] = f.point, f.method
    return OriginResult(task.origin, months, model, sn, lv, st, meth, scale,
                        time.perf_counter() - t0, list(getattr(answer, "notes", [])))


# --- scoring ------------------------------------------------------------------------------

BASELINES = ("seasonal_naive", "last_value", "statistical")
FORECAST_NAMES = ("model", *BASELINES)


@dataclass
class Record:
    """One outcome: series, origin, horizon, outcome, each forecaster's scaled error, the
    model's bands and CRPS."""

    key: str
    origin: str
    h: int
    y: float
    scale: float
    err: dict[str, float]  # forecaster -> |point - y| / scale (nan where it has no forecast)
    inside: dict[float, bool]
    crps: float


def score(results: Sequence[OriginResult], truth: History) -> list[Record]:
    """Score every (series, origin, horizon) that has an official outcome."""
    recs: list[Record] = []
    for r in results:
        for key in truth:
            sc, _lag = r.scale.get(key, (math.nan, 0))
            pred = r.model.get(key)
            med = pred.median() if pred is not None else None
            bands = {w: pred.interval(w) for w in WIDTHS} if pred is not None else {}
            for j, m in enumerate(r.months):
                if m not in truth[key] or not sc > 0:
                    continue
                y = truth[key][m]
                pts = {
                    "model": float(med[j]) if med is not None else math.nan,
                    "seasonal_naive": r.seasonal_naive[key].get(m, math.nan),
                    "last_value": r.last_value[key].get(m, math.nan),
                    "statistical": float(r.statistical[key][j]) if key in r.statistical
                    else math.nan,
                }
                err = {n: abs(v - y) / sc for n, v in pts.items()}
                inside = {w: bool(b[0][j] <= y <= b[1][j]) for w, b in bands.items()}
                crps = float(pred.crps(np.full(len(r.months), y))[j]) if pred is not None \
                    else math.nan
                recs.append(Record(key, r.origin, j + 1, y, sc, err, inside, crps))
    return recs


def _nanmean(xs: Sequence[float]) -> float:
    v = [x for x in xs if math.isfinite(x)]
    return float(np.mean(v)) if v else math.nan


def _summ(recs: Sequence[Record]) -> dict[str, Any]:
    """MASE per forecaster, coverage, scaled and raw CRPS of a group of records."""
    out: dict[str, Any] = {"n": len(recs)}
    out["mase"] = {n: _nanmean([r.err[n] for r in recs]) for n in FORECAST_NAMES}
    withb = [r for r in recs if r.inside]
    for w in WIDTHS:
        out[f"coverage_{round(100 * w)}"] = (float(np.mean([r.inside[w] for r in withb]))
                                            if withb else math.nan)
    out["crps"] = _nanmean([r.crps / r.scale for r in recs])
    out["crps_raw"] = _nanmean([r.crps for r in recs])
    return out


def _clean(x: Any) -> Any:
    if isinstance(x, float):
        return None if not math.isfinite(x) else round(x, 4)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


@dataclass
class Backtest:
    """A finished backtest: the summary (the benchmark's JSON line), per series, per horizon,
    per series × horizon, and how it was run."""

    forecaster: str
    origins: list[str]
    keys: list[str]
    horizon: int
    draws: int
    seed: int
    statistical: str
    records: list[Record]
    wall_s: float
    notes: list[str] = field(default_factory=list)

    def _recs(self, key: str, h: int | None = None) -> list[Record]:
        """The records of ``key`` (at horizon ``h``) where the model has a forecast, so that
        every forecaster is scored on the same outcomes; all of them where it has none."""
        rs = [r for r in self.records if r.key == key and (h is None or r.h == h)]
        return [r for r in rs if math.isfinite(r.err["model"])] or rs

    def _modelled(self) -> list[str]:
        return [k for k in self.keys if any(r.key == k and math.isfinite(r.err["model"])
                                            for r in self.records)]

    def per_series(self) -> dict[str, dict[str, Any]]:
        """Per series: n, MASE per forecaster, coverage, CRPS, and whether the model beats
        each baseline (a series that does not is kept and said so)."""
        out = {}
        for key in self.keys:
            s = _summ(self._recs(key))
            mm = s["mase"]["model"]
            s["beats"] = {b: (bool(mm < s["mase"][b]) if math.isfinite(mm)
                              and math.isfinite(s["mase"][b]) else None) for b in BASELINES}
            out[key] = s
        return out

    def per_horizon(self) -> dict[int, dict[str, Any]]:
        """Per horizon, pooled over series: MASE = mean over series of their MASE at h;
        coverage pooled over outcomes."""
        out = {}
        keys = self._modelled() or self.keys
        for h in range(1, self.horizon + 1):
            recs = [r for k in keys for r in self._recs(k, h)]
            if not recs:
                continue
            s = _summ(recs)
            by = [_summ(rs) for k in keys if (rs := self._recs(k, h))]
            s["mase"] = {n: _nanmean([b["mase"][n] for b in by]) for n in FORECAST_NAMES}
            s["crps"] = _nanmean([b["crps"] for b in by])
            out[h] = s
        return out

    def per_series_horizon(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Per series and horizon."""
        return {k: {h: _summ(rs) for h in range(1, self.horizon + 1)
                    if (rs := self._recs(k, h))} for k in self.keys}

    def summary(self) -> dict[str, Any]:
        """The benchmark's JSON line: origins, coverage_50, coverage_90, crps_model,
        mase_model, mase_seasonal_naive, mase_last_value, mase_statistical, wall_s,
        per_series."""
        ps = self.per_series()
        keys = self._modelled() or self.keys
        pooled = _summ([r for k in keys for r in self._recs(k)])
        # every forecaster averaged over the same series: those the model forecast
        common = [ps[k] for k in keys]
        mean = {n: _nanmean([p["mase"][n] for p in common]) for n in FORECAST_NAMES}
        per = {k: {"n": p["n"], "mase": p["mase"], "coverage_50": p["coverage_50"],
                   "coverage_90": p["coverage_90"], "crps": p["crps"],
                   "beats_statistical": p["beats"]["statistical"]} for k, p in ps.items()}
        return _clean({
            "origins": len(self.origins),
            "coverage_50": pooled["coverage_50"],
            "coverage_90": pooled["coverage_90"],
            "crps_model": _nanmean([p["crps"] for p in common]),
            "mase_model": mean["model"],
            "mase_seasonal_naive": mean["seasonal_naive"],
            "mase_last_value": mean["last_value"],
            "mase_statistical": mean["statistical"],
            "wall_s": round(self.wall_s, 2),
            "per_series": per,
        })

    def to_json(self) -> dict[str, Any]:
        """Everything needed to show the tables again (``roxham validate --backtest``)."""
        return _clean({
            "kind": "roxham-forecast-backtest", "forecaster": self.forecaster,
            "origins": self.origins, "series": self.keys, "horizon": self.horizon,
            "draws": self.draws, "seed": self.seed, "statistical": self.statistical,
            "notes": self.notes, "summary": self.summary(),
            "per_series": self.per_series(),
            "per_horizon": {str(h): v for h, v in self.per_horizon().items()},
            "per_series_horizon": {k: {str(h): v for h, v in d.items()}
                                   for k, d in self.per_series_horizon().items()},
        })


def run_backtest(
    forecaster: str | Callable[..., Mapping[str, Predictive]] = "model",
    origins: Sequence[str] = DEFAULT_ORIGINS,
    keys: Sequence[str] = tuple(BACKTEST_SERIES),
    horizon: int = 12,
    draws: int = 100,
    seed: int = 1,
    statistical: str = "ets",
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Run every origin (in parallel on ``executor``) and score. Results depend on ``seed``
    only, not on the executor or its workers."""
    if not origins:
        raise UserError("no origin given")
    for o in origins:
        ok = len(o) == 7 and o[4] == "-" and o[:4].isdigit() and o[5:].isdigit() \
            and 1 <= int(o[5:]) <= 12
        if not ok:
            raise UserError(f"origin must be YYYY-MM, got {o!r}")
    if not 1 <= horizon <= 36:
        raise UserError(f"horizon must be 1..36 months, got {horizon}")
    if isinstance(forecaster, str) and forecaster not in FORECASTERS:
        raise UserError(f"unknown forecaster {forecaster!r}; known: {', '.join(FORECASTERS)}")
    origins = sorted(set(origins))
    t0 = time.perf_counter()
    tasks = [OriginTask(i, o, tuple(keys), horizon, draws, seed, forecaster, statistical)
             for i, o in enumerate(origins)]
    ex = executor if executor is not None else LocalExecutor(1)
    results = ex.map(run_origin, tasks, progress)
    recs = score(results, outcomes(keys))
    name = forecaster if isinstance(forecaster, str) else getattr(forecaster, "__name__",
                                                                  "custom")
    notes = []
    if name == "statistical":
        notes.append("forecaster 'statistical' is a STAND-IN for the model: the predictive "
                     "samples of statsforecast AutoETS (metrics.statistical_forecast)")
    for r in results:
        notes.extend(r.notes)
    missing = sorted({f"{k}@{r.origin}" for r in results for k in keys if k not in r.model})
    if missing:
        notes.append("no model forecast (not scored for the model; the overall means use only "
                     "series the model forecast at every origin): " + ", ".join(missing))
    lags = {(k, r.origin): r.scale[k][1] for r in results for k in keys}
    lag1 = sorted({f"{k}@{o}" for (k, o), lag in lags.items() if lag == 1})
    if lag1:
        notes.append("MASE scaled by the lag-1 naive (fewer than 3 lag-12 pairs): "
                     + ", ".join(lag1))
    return Backtest(name, list(origins), list(keys), horizon, draws, seed, statistical, recs,
                    time.perf_counter() - t0, notes)


# --- showing ------------------------------------------------------------------------------


def load_backtest(path: Path) -> dict[str, Any]:
    """A saved backtest (:meth:`Backtest.to_json`); one clear error if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file (write one with `python "
                        "benchmarks/forecast_backtest.py --output FILE`)") from None
    except (OSError, ValueError) as e:
        raise UserError(f"{path}: not a readable JSON file ({e})") from None
    if not isinstance(data, dict) or data.get("kind") != "roxham-forecast-backtest":
        raise UserError(f"{path}: not a forecast backtest result")
    return data


def _f(x: Any, d: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) \
        else f"{x:.{d}f}"


def render_tables(data: Mapping[str, Any], detail: bool = False) -> list[Any]:
    """Rich tables of a backtest (:meth:`Backtest.to_json`): per series, per horizon and,
    with ``detail``, per series × horizon."""
    from rich import box
    from rich.table import Table

    label = data["forecaster"] + (" (STAND-IN, not the model)"
                                  if data["forecaster"] == "statistical" else "")
    cols = ("n", "model", "snaive", "last", "stat", "c50", "c90", "crps")
    o = data["origins"]
    caption = (f"Forecaster {label}; {len(o)} origins {o[0]}..{o[-1]}, h = 1.."
               f"{data['horizon']}, {data['draws']} draws. model, snaive, last, stat: MASE of "
               "the model (median) and of the seasonal naive, last value and statistical "
               "baselines (scaled per series and origin by the in-sample lag-12 naive MAE; "
               "lower is better); c50, c90: share of outcomes in the model's 50 % and 90 % "
               "bands; crps: model CRPS / the same scale; beats: model MASE below the "
               "statistical baseline's.")

    def table(title: str, first: str, beats: bool = False) -> Any:
        t = Table(title=title, title_justify="left", caption=caption, caption_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))
        t.add_column(first, justify="left", no_wrap=True)
        for c in cols:
            t.add_column(c, justify="right")
        if beats:
            t.add_column("beats", justify="right")
        return t

    def row(t: Any, name: str, s: Mapping[str, Any], *extra: str) -> None:
        m = s["mase"]
        t.add_row(name, str(s["n"]), _f(m["model"]), _f(m["seasonal_naive"]),
                  _f(m["last_value"]), _f(m["statistical"]), _f(s["coverage_50"]),
                  _f(s["coverage_90"]), _f(s["crps"]), *extra)

    ts = table("Forecast backtest per series", "series", beats=True)
    for k, s in data["per_series"].items():
        beats = s.get("beats", {}).get("statistical")
        row(ts, k, s, "–" if beats is None else ("yes" if beats else "NO"))
    sm = data["summary"]
    ts.add_row("mean of series", "", _f(sm["mase_model"]),
               _f(sm["mase_seasonal_naive"]), _f(sm["mase_last_value"]),
               _f(sm["mase_statistical"]), _f(sm["coverage_50"]), _f(sm["coverage_90"]),
               _f(sm["crps_model"]), "")
    th = table("Forecast backtest per horizon (MASE, CRPS: mean of series; coverage pooled)",
               "h")
    for h, s in data["per_horizon"].items():
        row(th, h, s)
    out = [ts, th]
    if detail:
        td = table("Forecast backtest per series × horizon", "series, h")
        for k, d in data["per_series_horizon"].items():
            for h, s in d.items():
                row(td, f"{k} h{h}", s)
        out.append(td)
    return out
