"""Forecast backtest (issue 13 item 7): rolling origins, horizons 1-12, five series.

At each origin the forecaster and the baselines see only the official figures up to the origin
(``roxham.calibrate.backtest.history_until``; the model runs inside
``roxham.data.observed_until(origin)``). Series: QC ``claims_land_poe``, CA ``claims_total``,
QC ``rcmp_interceptions``, CA ``claims_airport``, CA ``claims_inland``. Baselines: seasonal
naive, last value, statsforecast AutoETS (``--statistical arima``: AutoARIMA) per series and
origin. Prints per-series and per-horizon tables, then ONE JSON line: origins, coverage_50,
coverage_90, crps_model, mase_model, mase_seasonal_naive, mase_last_value, mase_statistical,
wall_s, per_series.

    python benchmarks/forecast_backtest.py                       # the model (roxham.forecast)
    python benchmarks/forecast_backtest.py --forecaster statistical   # stand-in
    python benchmarks/forecast_backtest.py --quick --forecaster statistical
    python benchmarks/forecast_backtest.py --output validation/backtest.json
    roxham validate --backtest validation/backtest.json          # the same tables again
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from roxham.calibrate.backtest import (
    BACKTEST_SERIES,
    DEFAULT_ORIGINS,
    FORECASTERS,
    render_tables,
    run_backtest,
)
from roxham.calibrate.executor import make_executor
from roxham.errors import UserError

#: --quick: 3 origins, 6 horizons, few draws (a smoke run, not a measurement).
QUICK_ORIGINS = ("2018-06", "2021-06", "2023-06")


def main(argv: list[str] | None = None) -> int:
    """Run the backtest; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forecaster", choices=sorted(FORECASTERS), default="model",
                    help="the forecaster under test (default: the model; 'statistical' is a "
                    "stand-in, AutoETS samples)")
    ap.add_argument("--origins", help="comma-separated YYYY-MM (default: every 6 months "
                    f"{DEFAULT_ORIGINS[0]}..{DEFAULT_ORIGINS[-1]})")
    ap.add_argument("--horizon", type=int, default=12, help="months ahead (default 12)")
    ap.add_argument("--draws", type=int, default=100, help="predictive draws per origin")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--statistical", choices=("ets", "arima"), default="ets",
                    help="statistical baseline: AutoETS or AutoARIMA (statsforecast)")
    ap.add_argument("--workers", type=int, default=1, help="local worker processes")
    ap.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786)")
    ap.add_argument("--series", help="comma-separated subset of: " + ", ".join(BACKTEST_SERIES))
    ap.add_argument("--quick", action="store_true", help="smoke run: 3 origins, 6 months, "
                    "20 draws")
    ap.add_argument("--detail", action="store_true", help="also the series x horizon table")
    ap.add_argument("--output", type=Path, help="write the full result (JSON) here, for "
                    "`roxham validate --backtest FILE`")
    a = ap.parse_args(argv)
    err = Console(stderr=True)
    try:
        origins = [o.strip() for o in a.origins.split(",")] if a.origins else \
            list(QUICK_ORIGINS if a.quick else DEFAULT_ORIGINS)
        keys = [k.strip() for k in a.series.split(",")] if a.series else list(BACKTEST_SERIES)
        horizon, draws = (min(a.horizon, 6), min(a.draws, 20)) if a.quick \
            else (a.horizon, a.draws)
        if draws < 2:
            raise UserError("--draws must be at least 2")
        if a.forecaster == "model":
            import importlib.util

            if importlib.util.find_spec("roxham.forecast") is None:
                raise UserError("--forecaster model needs roxham.forecast (issue 13), which "
                                "this checkout does not have; --forecaster statistical runs "
                                "the statistical stand-in")
        ex = make_executor(a.workers, a.scheduler)
        try:
            bt = run_backtest(a.forecaster, origins, keys, horizon, draws, a.seed,
                              a.statistical, ex)
        finally:
            ex.close()
    except UserError as e:
        err.print(f"error: {e}", markup=False, highlight=False)
        return 2
    data = bt.to_json()
    if a.output is not None:
        a.output.parent.mkdir(parents=True, exist_ok=True)
        a.output.write_text(json.dumps(data, indent=1), encoding="utf-8")
    con = Console(highlight=False, width=160)
    for t in render_tables(data, detail=a.detail):
        con.print(t)
    for n in bt.notes:
        con.print(f"note: {n}", markup=False)
    if a.output is not None:
        con.print(f"wrote {a.output}", markup=False)
    sys.stdout.flush()
    print(json.dumps(bt.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
