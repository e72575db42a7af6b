"""``roxham calibrate``, ``roxham validate``, ``roxham sensitivity`` (Canada–US model)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from roxham.cli._common import console, err_console
from roxham.errors import UserError

Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1,
                                             help="Local worker processes (default: all cores).")]
Dask = Annotated[str | None, typer.Option(
    "--scheduler", "--dask",
    help="Dask scheduler started with 'dask scheduler', e.g. tcp://host:8786 (same results as "
    "local for the same seed; default: $ROXHAM_SCHEDULER unless --workers is given).")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed of the whole run.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
Scenario = Annotated[str, typer.Option("--scenario", help="Base scenario (name or YAML).")]


def _month(value: str, opt: str) -> str:
    ok = len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit()
    if not ok or not 1 <= int(value[5:]) <= 12:
        raise UserError(f"{opt} must be YYYY-MM, got {value!r}")
    return value


@contextmanager
def _progress(label: str, total: int, quiet: bool) -> Iterator[Callable[..., None]]:
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[best]}"), TimeElapsedColumn(),
        console=err_console, transient=quiet, disable=quiet and not err_console.is_terminal,
    ) as prog:
        task = prog.add_task(label, total=total, best="")

        def cb(advance: int, _total: int | None = None, best: float | None = None) -> None:
            if best is not None and math.isfinite(best):
                prog.update(task, advance=advance, best=f"best distance {best:.2f}")
            else:
                prog.update(task, advance=advance)

        yield cb


def _model(scenario: str) -> Any:
    from roxham.calibrate.models import CanadaUSModel

    m = CanadaUSModel(base=scenario)
    m.base_dict()  # validate the scenario now: one clear line if it is wrong
    return m


def _f(x: float | None, d: int = 1) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{d}f}"


def _calibrate_npe(model: Any, budget: int | None, seed: int, train_start: str,
                   train_end: str, output: Path, workers: int | None, dask: str | None,
                   scenario: str, as_json: bool, summaries: str = "quarter") -> None:
    """``roxham calibrate --method npe``: bank (cached), NPE, parameter file."""
    from roxham.calibrate.distance import load_observed
    from roxham.calibrate.executor import make_executor
    from roxham.calibrate.inference import npe_calibration
    from roxham.calibrate.npe import NPEConfig, require_sbi
    from roxham.calibrate.paramfile import write_parameter_file

    require_sbi()
    cfg = NPEConfig(period=summaries) if budget is None else NPEConfig(sims=budget,
                                                                         period=summaries)
    obs = load_observed(model.targets)
    ex = make_executor(workers, dask)
    t0 = time.perf_counter()
    try:
        with _progress(f"bank + NPE ({ex!r})", cfg.sims + 3, as_json) as cb:
            cal, meth = npe_calibration(model, obs, train_start, train_end, seed=seed,
                                        config=cfg, executor=ex, progress=cb)
    finally:
        ex.close()
    scen = write_parameter_file(cal, output, model.space, scenario, model.base_dict(),
                                base_hash=model.base_hash(), method=meth)
    wall = time.perf_counter() - t0
    if as_json:
        typer.echo(json.dumps({"output": str(output), "scenario": str(scen),
                               "wall_s": round(wall, 2), "method": meth,
                               "point": cal.best, "distance": cal.best_distance,
                               "per_series": cal.best_per_series}, default=lambda x: None))
        return
    console.print(_posterior_table(
        f"NPE posterior {train_start}..{train_end} ({len(cal.posterior_samples)} draws): "
        "median and 5–95 % interval", "median", model, cal))
    console.print(f"point estimate: distance {_f(cal.best_distance, 2)} (weighted sMAPE %, "
                  f"mean of {len(cal.best_replicate_distances)} seeds); wrote {output} and "
                  f"{scen} ({wall:.1f} s)")


def _posterior_table(title: str, point: str, model: Any, cal: Any) -> Table:
    """Per parameter: the point (``cal.best``), the posterior sample's 5–95 % interval, the
    prior."""
    import numpy as np

    t = Table(title=title, title_justify="left")
    for c in ("parameter", point, "5 %", "95 %", "prior"):
        t.add_column(c)
    arr = np.array(cal.posterior_samples)
    for j, p in enumerate(model.space.params):
        lo, hi = np.percentile(arr[:, j], [5, 95])
        t.add_row(p.name, f"{cal.best[p.name]:.4g}", f"{lo:.4g}", f"{hi:.4g}",
                  f"{p.prior} {p.low:g}..{p.high:g}")
    return t


def _calibrate_abc(model: Any, budget: int | None, accept: int, seed: int, train_start: str,
                   train_end: str, output: Path, workers: int | None, dask: str | None,
                   scenario: str, as_json: bool) -> None:
    """``roxham calibrate --method abc``: bank (cached), rejection ABC, discrepancy scales,
    parameter file."""

    from roxham.calibrate.abc import ABC_SIMS, abc_calibration
    from roxham.calibrate.distance import load_observed
    from roxham.calibrate.executor import make_executor
    from roxham.calibrate.paramfile import write_parameter_file

    sims = ABC_SIMS if budget is None else budget
    if sims < accept:
        raise UserError(f"--budget ({sims}) must be at least --accept ({accept})")
    obs = load_observed(model.targets)
    ex = make_executor(workers, dask)
    t0 = time.perf_counter()
    try:
        with _progress(f"bank + ABC ({ex!r})", sims + 12, as_json) as cb:
            cal, meth, disc = abc_calibration(model, obs, train_start, train_end, seed=seed,
                                              sims=sims, accept=accept, executor=ex,
                                              progress=cb)
    finally:
        ex.close()
    wall = time.perf_counter() - t0
    meth["wall_s"] = round(wall, 2)
    scen = write_parameter_file(cal, output, model.space, scenario, model.base_dict(),
                                base_hash=model.base_hash(), method=meth, discrepancy=disc)
    if as_json:
        typer.echo(json.dumps({"output": str(output), "scenario": str(scen),
                               "wall_s": round(wall, 2), "method": meth,
                               "point": cal.best, "distance": cal.best_distance,
                               "per_series": cal.best_per_series,
                               "discrepancy": disc}, default=lambda x: None))
        return
    console.print(_posterior_table(
        f"ABC posterior {train_start}..{train_end} ({len(cal.posterior_samples)} of "
        f"{cal.budget} prior simulations): point, 5–95 % interval", "point", model, cal))
    if disc:
        d = Table(title="model discrepancy (split-conformal 90 % scale, log1p)",
                  title_justify="left")
        d.add_column("series")
        d.add_column("scale", justify="right")
        d.add_column("×/÷", justify="right")
        d.add_column("months", justify="right")
        for k, v in disc["scales"].items():
            d.add_row(k, _f(v, 3), _f(math.exp(v), 2) if v is not None else "–",
                      str(disc["n"].get(k, 0)))
        console.print(d)
    console.print(f"point estimate: distance {_f(cal.best_distance, 2)} (weighted sMAPE %, "
                  f"mean of {len(cal.best_replicate_distances)} seeds); tolerance "
                  f"{_f(meth['tolerance'], 2)}; wrote {output} and {scen} ({wall:.1f} s)")


def register(app: typer.Typer) -> None:
    """Add ``calibrate``, ``validate`` and ``sensitivity``."""

    @app.command("calibrate")
    def calibrate_cmd(
        method: Annotated[str, typer.Option(
            "--method", help="abc (default; how the shipped fit was made): rejection ABC "
            "on a bank of prior simulations (the --accept nearest by the calibration "
            "distance) with model-discrepancy scales, so that runs using the file have bands "
            "that cover; npe: neural posterior estimation on the same bank (sbi; needs the "
            "'infer' extra); optimize: Optuna TPE + CMA-ES point estimate with an "
            "approximate posterior and no discrepancy scales (resumes from a "
            "checkpoint).")] = "abc",
        budget: Annotated[int | None, typer.Option(
            "--budget", "-b", min=2, help="optimize: simulations in the search (half TPE, "
            "half CMA-ES; default 800). abc, npe: simulations in the prior bank (default "
            "2000, cached).")] = None,
        accept: Annotated[int, typer.Option(
            "--accept", min=2, help="abc: bank simulations accepted (the posterior sample; "
            "100 of 2000 = the 5 % nearest).")] = 100,
        summaries: Annotated[str, typer.Option(
            "--summaries", help="npe: summary resolution of the monthly targets, quarter or "
            "half (roxham.calibrate.summaries).")] = "quarter",
        train_start: Annotated[str, typer.Option("--train-start")] = "2017-01",
        train_end: Annotated[str, typer.Option("--train-end", help="Last training month.")]
        = "2022-12",
        output: Annotated[Path, typer.Option("--output", "-o", help="Parameter file to write.")]
        = Path("calibration/canada_us.yaml"),
        seed: Seed = 1,
        workers: Workers = None,
        dask: Dask = None,
        scenario: Scenario = "historical",
        batch: Annotated[int, typer.Option("--batch", min=1, help="Trials per TPE batch "
                                           "(part of the result: keep it fixed).")] = 8,
        fresh: Annotated[bool, typer.Option("--fresh", help="Ignore and replace the "
                                            "checkpoint instead of resuming.")] = False,
        as_json: AsJson = False,
    ) -> None:
        """Fit the model's free parameters (roxham.calibrate.priors) to the official
        series of the training window; writes a parameter file and a scenario using it.
        abc (default) and npe keep their prior bank in the cache directory (a rerun
        reuses it); optimize writes a checkpoint of finished simulations
        (<output>.sims.jsonl: rerun to resume)."""
        from roxham.calibrate.executor import make_executor
        from roxham.calibrate.fit import calibrate
        from roxham.calibrate.paramfile import write_parameter_file

        _month(train_start, "--train-start")
        _month(train_end, "--train-end")
        if train_end < train_start:
            raise UserError("--train-end is before --train-start")
        if output.suffix not in (".yaml", ".yml"):
            raise UserError(f"--output must end in .yaml, got {str(output)!r}")
        if method not in ("optimize", "npe", "abc"):
            raise UserError(f"--method must be abc, npe or optimize, got {method!r}")
        if summaries not in ("quarter", "half"):
            raise UserError(f"--summaries must be quarter or half, got {summaries!r}")
        model = _model(scenario)
        if method == "abc":
            _calibrate_abc(model, budget, accept, seed, train_start, train_end, output,
                           workers, dask, scenario, as_json)
            return
        if method == "npe":
            _calibrate_npe(model, budget, seed, train_start, train_end, output, workers, dask,
                           scenario, as_json, summaries)
            return
        budget = 800 if budget is None else budget
        ck = output.with_name(output.stem + ".sims.jsonl")
        if fresh and ck.exists():
            ck.unlink()
        ex = make_executor(workers, dask)
        t0 = time.perf_counter()
        try:
            total = budget + min(4, max(1, budget // 10)) * (3 if budget >= 20 else 1)
            with _progress(f"calibrating ({ex!r})", total, as_json) as cb:
                cal = calibrate(model, budget=budget, seed=seed, train_start=train_start,
                                train_end=train_end, executor=ex, batch=batch, checkpoint=ck,
                                progress=cb)
        finally:
            ex.close()
        scen = write_parameter_file(cal, output, model.space, scenario, model.base_dict(),
                                    base_hash=model.base_hash())
        wall = time.perf_counter() - t0
        if as_json:
            typer.echo(json.dumps({"output": str(output), "scenario": str(scen),
                                   "checkpoint": str(ck), "wall_s": round(wall, 2),
                                   **{k: v for k, v in cal.to_json().items()
                                      if k not in ("posterior_samples", "space")}},
                                  default=lambda x: None))
            return
        t = Table(title=f"calibrated {train_start}..{train_end}: distance "
                  f"{cal.best_distance:.2f} (weighted sMAPE %, mean of "
                  f"{len(cal.best_replicate_distances)} seeds)", title_justify="left")
        t.add_column("parameter")
        t.add_column("fitted", justify="right")
        t.add_column("hand-tuned", justify="right")
        t.add_column("prior", justify="left")
        for p in model.space.params:
            t.add_row(p.name, f"{cal.best[p.name]:.4g}",
                      "–" if p.hand is None else f"{p.hand:.4g}",
                      f"{p.prior} {p.low:g}..{p.high:g}")
        console.print(t)
        s = Table(title="fit per series (sMAPE %)", title_justify="left")
        s.add_column("series")
        s.add_column("sMAPE", justify="right")
        s.add_column("months skipped", justify="right")
        for k, v in cal.best_per_series.items():
            s.add_row(k, _f(v), str(cal.skipped_months.get(k, 0)))
        console.print(s)
        console.print(f"wrote {output} and {scen} ({cal.n_simulations} simulations, "
                      f"{cal.resumed} from checkpoint, {wall:.1f} s)")

    @app.command("validate")
    def validate_cmd(
        train_end: Annotated[str, typer.Option("--train-end")] = "2022-12",
        test_end: Annotated[str, typer.Option("--test-end")] = "2024-12",
        train_start: Annotated[str, typer.Option("--train-start")] = "2017-01",
        budget: Annotated[int, typer.Option("--budget", "-b", min=2,
                                            help="Calibration simulations per origin.")] = 800,
        draws: Annotated[int, typer.Option("--draws", min=1,
                                           help="Posterior draws × seeds in the forecast.")]
        = 16,
        origins: Annotated[str | None, typer.Option(
            "--origins", help="Backtest: comma-separated training ends, each refitted "
            "(default: --train-end only).")] = None,
        params: Annotated[Path | None, typer.Option(
            "--params", help="Use this parameter file instead of fitting (its training end "
            "must be --train-end).")] = None,
        output: Annotated[Path, typer.Option("--output", "-o", help="Report directory.")]
        = Path("validation"),
        seed: Seed = 1,
        workers: Workers = None,
        dask: Dask = None,
        scenario: Scenario = "historical",
        backtest: Annotated[Path | None, typer.Option(
            "--backtest", help="Show a saved forecast backtest (written by "
            "benchmarks/forecast_backtest.py --output FILE) per series and horizon, "
            "instead of fitting.")] = None,
        detail: Annotated[bool, typer.Option(
            "--detail", help="With --backtest: also the series × horizon table.")] = False,
        as_json: AsJson = False,
    ) -> None:
        """Fit on the training window only, forecast the test window with the real policy
        timeline; skill (MASE, sMAPE) vs seasonal-naive and last-value baselines, the change
        in Quebec interceptions across the Additional Protocol; writes validation.html and .json.
        With --backtest FILE: the rolling-origin forecast backtest's tables (MASE of the model
        and of three baselines, band coverage, CRPS) per series and per horizon."""
        if backtest is not None:
            from roxham.calibrate.backtest import load_backtest, render_tables

            data = load_backtest(backtest)
            if as_json:
                typer.echo(json.dumps(data))
                return
            for t in render_tables(data, detail=detail):
                console.print(t)
            for n in data.get("notes", []):
                console.print(f"note: {n}", markup=False)
            return
        from roxham.calibrate.distance import load_observed
        from roxham.calibrate.executor import make_executor
        from roxham.calibrate.paramfile import read_parameter_file
        from roxham.calibrate.validate import (
            PROTOCOL_DAY,
            plot_validation_png,
            render_validation_report,
            validate_model,
        )

        ends = [_month(x.strip(), "--origins") for x in origins.split(",")] if origins \
            else [_month(train_end, "--train-end")]
        _month(test_end, "--test-end")
        _month(train_start, "--train-start")
        for e in ends:
            if not train_start < e < test_end:
                raise UserError(f"training end {e} must be after --train-start {train_start} "
                                f"and before --test-end {test_end}")
        pf = read_parameter_file(params) if params is not None else None
        if pf is not None and (len(ends) > 1 or pf.data.get("train", {}).get("end") != ends[0]):
            raise UserError(f"{params}: fitted to {pf.data.get('train', {}).get('end')}, "
                            f"not to the single origin {ends[0]}")
        model = _model(scenario)
        obs = load_observed(model.targets)
        stale = pf is not None and pf.data.get("base_hash") not in (None, "", model.base_hash())
        ex = make_executor(workers, dask)
        output.mkdir(parents=True, exist_ok=True)
        vals = []
        try:
            per = (0 if pf else budget + min(4, max(1, budget // 10))
                   * (3 if budget >= 20 else 1)) + draws
            with _progress("validating", per * len(ends), as_json) as cb:
                for e in ends:
                    vals.append(validate_model(
                        model, train_end=e, test_end=test_end, budget=budget, draws=draws,
                        seed=seed, train_start=train_start, executor=ex, observed=obs,
                        checkpoint=output / f"sims-{e}.jsonl", progress=cb, calibration=pf))
        finally:
            ex.close()
        if stale:
            for v in vals:
                v.notes.append(f"{params} was fitted on another version of scenario "
                               f"{scenario!r} (base_hash differs): its fit may not hold")
        html_path = output / "validation.html"
        html_path.write_text(render_validation_report(
            vals, obs.monthly_only(), f"Roxham validation ({scenario})"), encoding="utf-8")
        payload = {"report": str(html_path), "origins": [v.to_json() for v in vals]}
        (output / "validation.json").write_text(json.dumps(payload, indent=1),
                                                encoding="utf-8")
        for v in vals:
            v.bands.write_parquet(output / f"bands-{v.train_end}.parquet")
            plot_validation_png(v, obs, output / f"validation-{v.train_end}.png")
        if as_json:
            typer.echo(json.dumps(payload))
            return
        for v in vals:
            t = Table(title=f"test {v.train_end}→{v.test_end} (fit on {v.train_start}.."
                      f"{v.train_end}, budget {v.budget})", title_justify="left")
            for c in ("series", "n", "sMAPE model", "seasonal", "last", "MASE model",
                      "seasonal", "last"):
                t.add_column(c, justify="left" if c == "series" else "right",
                             no_wrap=c == "series")
            for r in v.skill:
                t.add_row(r.key, str(r.n), _f(r.model_smape), _f(r.seasonal_smape),
                          _f(r.last_smape), _f(r.model_mase, 2), _f(r.seasonal_mase, 2),
                          _f(r.last_mase, 2))
            console.print(t)
            if v.protocol:
                console.print(
                    f"QC interceptions across the Additional Protocol ({PROTOCOL_DAY}): observed "
                    f"{100 * v.protocol['observed']:+.1f} %, simulated "
                    f"{100 * v.protocol['simulated']:+.1f} %")
            for n in v.notes:
                console.print(f"note: {n}")
        console.print(f"wrote {html_path}, {output / 'validation.json'}")

    @app.command("sensitivity")
    def sensitivity_cmd(
        trajectories: Annotated[int, typer.Option("--trajectories", "-t", min=2,
                                                  help="Morris trajectories.")] = 10,
        train_start: Annotated[str, typer.Option("--train-start")] = "2017-01",
        train_end: Annotated[str, typer.Option("--train-end")] = "2022-12",
        output: Annotated[Path | None, typer.Option("--output", "-o",
                                                     help="Write the indices as JSON.")] = None,
        seed: Seed = 1,
        workers: Workers = None,
        dask: Dask = None,
        scenario: Scenario = "historical",
        as_json: AsJson = False,
    ) -> None:
        """Rank the free parameters by their effect (Morris μ*, SALib) on the training
        distance and on key outputs."""
        from roxham.calibrate.executor import make_executor
        from roxham.calibrate.sensitivity import morris

        _month(train_start, "--train-start")
        _month(train_end, "--train-end")
        model = _model(scenario)
        ex = make_executor(workers, dask)
        try:
            total = trajectories * (len(model.space) + 1)
            with _progress("Morris screening", total, as_json) as cb:
                res = morris(model, trajectories=trajectories, seed=seed,
                             train_start=train_start, train_end=train_end, executor=ex,
                             progress=cb)
        finally:
            ex.close()
        payload = res.to_json()
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        if as_json:
            typer.echo(json.dumps(payload))
            return
        t = Table(title=f"Morris μ* ({trajectories} trajectories, {res.n_simulations} "
                  f"simulations); outputs other than distance: share of the largest μ*",
                  title_justify="left")
        t.add_column("rank")
        t.add_column("parameter", no_wrap=True)
        for o in res.outputs:
            t.add_column(o.replace("rcmp_interceptions/", "int. "), justify="right")
        tops = {o: max(res.mu_star[o].values()) or 1.0 for o in res.outputs}
        for i, n in enumerate(res.ranking, 1):
            t.add_row(str(i), n, f"{res.mu_star['distance'][n]:.2f}",
                      *[f"{res.mu_star[o][n] / tops[o]:.2f}" for o in res.outputs[1:]])
        console.print(t)
