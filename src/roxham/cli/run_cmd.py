"""``roxham run``: run a Canada–US scenario, write the run directory and the report."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from roxham.cli._common import console, err_console


def _k(x: float) -> str:
    """Thousands with one decimal (the table's unit)."""
    if math.isnan(x):
        return "–"
    return f"{x / 1000:.1f}"


def _observed_per_year(name: str, geo: str, subgroup: str = "all") -> dict[str, float]:
    """Official annual totals (first official figure per year) from roxham.data."""
    try:
        from roxham.data import series

        df = series(name, geo, subgroup=subgroup, kind="year", vintage="official")
    except Exception:
        return {}
    out: dict[str, float] = {}
    for row in df.sort("line").iter_rows(named=True):
        out.setdefault(str(row["period"].year), float(row["value"]))
    return out


def _summary_table(manifest: dict[str, Any], run_dir: Path) -> Table:
    t = Table(title=f"{manifest['scenario_name']}: simulated, thousands per year (mean of "
              "replicates)", title_justify="left", caption="sMAPE %: fit to the official "
              "series, 2017-01..2022-12; official: IRCC (roxham.data)",
              caption_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    t.add_column("series", no_wrap=True)
    t.add_column("sMAPE", justify="right", no_wrap=True)
    head = manifest.get("headline", {})
    years = sorted(head.get("rcmp_interceptions_CA_per_year", {}))
    shown = [y for y in years if y in ("2017", "2018", "2019", "2020", "2021", "2022", "2023",
                                       "2024")]
    for y in shown:
        t.add_column(f"'{y[2:]}", justify="right", no_wrap=True)
    fit = manifest.get("fit_smape_2017_2022", {})
    for key, label, fkey in (
        ("rcmp_interceptions_CA_per_year", "RCMP CA", "rcmp_interceptions/CA"),
        ("rcmp_interceptions_QC_per_year", "RCMP QC", "rcmp_interceptions/QC"),
        ("claims_total_CA_per_year", "claims", "claims_total/CA"),
        ("claims_rcmp_CA_per_year", "claims RCMP", "claims_rcmp/CA"),
        ("stca_returns_CA_per_year", "STCA ret.", ""),
    ):
        vals = head.get(key, {})
        sm = fit.get(fkey)
        t.add_row(label, "–" if sm is None else f"{sm:.1f}",
                  *[_k(vals.get(y, math.nan)) for y in shown])
        obs = {"RCMP CA": ("rcmp_interceptions", "CA", "all"),
               "claims": ("asylum_claims_by_office", "CA", "office=total"),
               "claims RCMP": ("asylum_claims", "CA", "office=rcmp")}.get(label)
        if obs:
            ov = _observed_per_year(*obs)
            t.add_row("  official", "", *[_k(ov.get(y, math.nan)) for y in shown],
                      style="dim")
    return t


def _calibration_line(cal: dict[str, Any] | None) -> str:
    """One line saying which parameters the run used."""
    if not cal:
        return "the scenario's own values (uncalibrated)"
    tr = cal.get("train") or {}
    how = (f"one posterior draw per replicate ({cal.get('posterior_samples')} samples)"
           if cal.get("posterior_draws") else "point estimate")
    return (f"calibrated, {cal.get('file')} (fitted {tr.get('start')}..{tr.get('end')}), "
            f"{how}")


def register(app: typer.Typer) -> None:
    """Add the ``run`` command."""

    @app.command("run")
    def run(
        scenario: Annotated[
            str,
            typer.Argument(help="Built-in scenario (historical, no-protocol, roxham-closed, "
                           "no-nyc-tickets, protocol-30-days, no-family-exception, capacity) or a "
                           "scenario YAML file (may 'extends:' one of them)."),
        ] = "historical",
        seed: Annotated[int | None, typer.Option("--seed", min=0,
                                                 help="Seed (default: scenario's).")] = None,
        replicates: Annotated[
            int | None, typer.Option("--replicates", "-r", min=1, max=1000,
                                     help="Replicates (default: scenario's).")
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Run directory to create.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        no_report: Annotated[bool, typer.Option("--no-report", help="Skip report.html.")]
        = False,
        params: Annotated[
            Path | None, typer.Option("--params", help="Calibrated parameter file (default: "
                                      "the one shipped, written by 'roxham calibrate').")
        ] = None,
        uncalibrated: Annotated[bool, typer.Option(
            "--uncalibrated", help="Use the scenario's own (hand-tuned) values, no "
            "calibration.")] = False,
        point: Annotated[bool, typer.Option(
            "--point", help="Every replicate uses the calibrated point estimate (default: "
            "each replicate draws its parameters from the posterior).")] = False,
        force: Annotated[bool, typer.Option(
            "--force", help="Replace the run already in the -o directory (by default a "
            "directory holding a run is refused).")] = False,
    ) -> None:
        """Run a Canada–US scenario (default: historical 2017–2024) with the calibrated
        parameters and write a run directory with monthly.parquet, manifest.json, report.html.
        """
        from roxham.calibrate.runs import load_calibration, run_with_calibration
        from roxham.models.canada_us.rundir import default_run_dir, run_frames
        from roxham.models.canada_us.scenario import load_scenario

        t0 = time.perf_counter()
        if uncalibrated and params is not None:
            from roxham.errors import UserError

            raise UserError("--params and --uncalibrated exclude each other")
        s = load_scenario(scenario)
        pf = None if uncalibrated else load_calibration(params)
        seed_v = s.seed if seed is None else seed
        if seed_v < 0:
            from roxham.errors import UserError

            raise UserError("--seed must be >= 0")
        reps = s.replicates if replicates is None else replicates
        run_dir = output if output is not None else default_run_dir(s.name, seed_v)
        from roxham.store.claim import claim
        from roxham.store.rundir import check_target

        with claim(run_dir), Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} replicates"),
            TimeElapsedColumn(),
            console=err_console,
            transient=as_json,
            disable=as_json and not err_console.is_terminal,
        ) as prog:
            # claimed before the long computation: a second writer is refused at once
            if (run_dir / "manifest.json").exists() and not force:
                from roxham.errors import UserError

                raise UserError(f"{run_dir} already holds a run; choose another -o directory "
                                "or --force")
            check_target(run_dir, overwrite=force)
            task = prog.add_task(f"{s.name}: building (law table, demand)", total=reps)

            def cb(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total,
                            description=f"{s.name}: simulating")

            res = run_with_calibration(s, seed_v, reps, pf, posterior=not point, progress=cb)
            prog.update(task, description=f"{s.name}: writing run directory")
            frames = run_frames(res)
            if not no_report:  # the report is drawn from what the run directory holds
                from roxham.report.run_report import render_run_frames

                frames.extras["report.html"] = render_run_frames(frames)
            from roxham.store.result import write_result

            manifest = write_result(frames, run_dir, overwrite=force)
        wall = time.perf_counter() - t0
        if as_json:
            payload = {
                "run_dir": str(run_dir),
                "scenario": s.name,
                "seed": seed_v,
                "replicates": reps,
                "wall_s": round(wall, 3),
                "law_engine": manifest.get("law_engine"),
                "headline": manifest.get("headline", {}),
                "fit_smape_2017_2022": manifest.get("fit_smape_2017_2022", {}),
                "calibration": _calibration_line(manifest.get("calibration")),
                "report": str(run_dir / "report.html") if not no_report else None,
            }
            typer.echo(json.dumps(payload))
            return
        console.print(_summary_table(manifest, run_dir))
        console.print(f"parameters: {_calibration_line(manifest.get('calibration'))}")
        cal = manifest.get("calibration")
        if cal and cal.get("stale"):
            err_console.print("[yellow]warning:[/] the base scenario changed since the "
                              f"calibration {cal.get('file')} was fitted; re-run "
                              "'roxham calibrate'")
        console.print(
            f"wrote {run_dir}/monthly.parquet, manifest.json"
            + ("" if no_report else ", report.html")
            + f" in {wall:.1f} s (law: {manifest.get('law_engine')})"
        )
