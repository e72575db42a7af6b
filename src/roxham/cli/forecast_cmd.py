"""``roxham forecast``: the Canada–US model forward from an origin month, with bands."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from roxham.cli._common import console, err_console


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` command."""

    @app.command("forecast")
    def forecast(
        origin: Annotated[str, typer.Option(
            "--origin", help="Last month of data used (YYYY-MM) or 'latest' (the latest "
            "month of official Canadian data).")] = "latest",
        months: Annotated[int, typer.Option("--months", help="Months forecast after the "
                                            "origin (1..60).")] = 12,
        us_scenario: Annotated[str, typer.Option(
            "--us-scenario", help="US southwest driver beyond its latest figure: flat, "
            "trend or surge.")] = "flat",
        draws: Annotated[int, typer.Option("--draws", help="Draws (parameter × seed × US "
                                           "path × assumption set).")] = 100,
        seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 1,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Local processes "
                                             "running the draws (results do not depend on "
                                             "it; 1 = this process, the fastest for one "
                                             "forecast).")] = 1,
        output: Annotated[Path | None, typer.Option("--output", "-o",
                                                    help="Run directory to create.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        force: Annotated[bool, typer.Option("--force", help="Replace the run already in "
                                            "the -o directory.")] = False,
    ) -> None:
        """Forecast asylum claims and crossings after an origin month from data up to it
        only; writes monthly.parquet, manifest.json and report.html (fan charts)."""
        from roxham.errors import UserError
        from roxham.forecast import make_forecast
        from roxham.forecast.report import summary_paragraph, write_forecast_dir
        from roxham.models.canada_us.rundir import default_run_dir

        t0 = time.perf_counter()
        if months <= 0:
            raise UserError(f"--months must be > 0 (got {months})")
        if seed < 0:
            raise UserError("--seed must be >= 0")

        def say(msg: str) -> None:
            if not as_json:
                err_console.print(msg)

        f = make_forecast(origin, months, us_scenario, draws, seed, workers=workers,
                          progress=say)
        run_dir = output if output is not None else default_run_dir(
            f"forecast-{f.manifest['origin']}", seed)
        if (run_dir / "manifest.json").exists() and not force:
            raise UserError(f"{run_dir} already holds a run; choose another -o directory "
                            "or --force")
        write_forecast_dir(f, run_dir, overwrite=force)
        wall = time.perf_counter() - t0
        if as_json:
            typer.echo(json.dumps({
                "run_dir": str(run_dir), "origin": f.manifest["origin"],
                "months": months, "us_scenario": us_scenario, "draws": draws, "seed": seed,
                "first_month": f.manifest["first_month"],
                "last_month": f.manifest["last_month"],
                "parameters": f.manifest["parameters"]["method"],
                "parameters_out_of_sample": not f.manifest["parameters"].get("leak", False),
                "statistical_streams": sorted(f.manifest["statistical_streams"]),
                "wall_s": round(wall, 3),
                "report": str(run_dir / "report.html")}))
            return
        console.print(summary_paragraph(f))
        console.print(f"wrote {run_dir}/monthly.parquet, manifest.json, report.html in "
                      f"{wall:.1f} s")
