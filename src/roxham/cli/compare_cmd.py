"""``roxham compare A B``: two scenarios (or run directories) side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from roxham.cli._common import console, err_console

if TYPE_CHECKING:  # imported where used, not at CLI start-up
    import polars as pl


def _load(ref: str, seed: int | None, replicates: int | None, pf: Any
          ) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    """A run directory is read; anything else is a scenario (name or YAML) that is run with
    parameter file ``pf`` (``None``: the scenario's own values)."""
    from roxham.calibrate.runs import run_with_calibration
    from roxham.models.canada_us.rundir import load_run_dir
    from roxham.models.canada_us.scenario import load_scenario
    from roxham.store.result import replicates_frame

    p = Path(ref)
    if p.is_dir():
        m, reps, manifest = load_run_dir(p)
        return str(manifest.get("scenario_name", p.name)), m, reps
    s = load_scenario(ref)
    with err_console.status(f"running {s.name}…"):
        res = run_with_calibration(s, s.seed if seed is None else seed,
                                   s.replicates if replicates is None else replicates, pf)
    months = sorted(set(res.monthly["month"].to_list()))
    return s.name, res.monthly, replicates_frame(res.replicate_monthly, months, res.columns)


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command."""

    @app.command("compare")
    def compare(
        a: Annotated[str, typer.Argument(help="Scenario name, YAML file or run directory.")],
        b: Annotated[str, typer.Argument(help="Scenario name, YAML file or run directory.")],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write the comparison HTML here.")
        ] = None,
        seed: Annotated[int | None, typer.Option(
            "--seed", min=0, help="Seed of scenarios that are run (same for A and B).")] = None,
        replicates: Annotated[int | None, typer.Option(
            "--replicates", "-r", min=1, max=1000, help="Replicates of scenarios that are run.")]
        = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        params: Annotated[
            Path | None, typer.Option("--params", help="Calibrated parameter file (default: "
                                      "the one shipped).")
        ] = None,
        uncalibrated: Annotated[bool, typer.Option(
            "--uncalibrated", help="Run with the scenarios' own (hand-tuned) values.")] = False,
    ) -> None:
        """Compare two scenarios: totals, B − A and its 5–95 % band (paired replicates: the
        same seeds and, calibrated, the same posterior draws for A and B)."""
        from roxham.calibrate.runs import load_calibration
        from roxham.report.run_report import render_compare_report, summary_differences

        if uncalibrated and params is not None:
            from roxham.errors import UserError

            raise UserError("--params and --uncalibrated exclude each other")
        pf = None if uncalibrated else load_calibration(params)
        name_a, ma, ra = _load(a, seed, replicates, pf)
        name_b, mb, rb = _load(b, seed, replicates, pf)
        if name_b == name_a:
            name_b = f"{name_b} (B)"
        rows = summary_differences(ma, mb, ra, rb)
        if output is not None:
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                output.write_text(render_compare_report(name_a, ma, ra, name_b, mb, rb),
                                  encoding="utf-8")
            except OSError as e:
                from roxham.errors import UserError

                raise UserError(f"cannot write {str(output)!r}: {e.strerror}") from None
        if as_json:
            typer.echo(json.dumps({"a": name_a, "b": name_b, "differences": rows,
                                   "report": str(output) if output else None}))
            return
        t = Table(title=f"{name_a} vs {name_b}", title_justify="left")
        for col in ("series", "", name_a, name_b, "B − A", "5–95 %"):
            t.add_column(col, justify="left" if col in ("series", "") else "right")
        for r in rows:
            t.add_row(r["label"], r["kind"], f"{r['a']:,.0f}", f"{r['b']:,.0f}",
                      f"{r['diff']:+,.0f}", f"[{r['diff_p05']:+,.0f}, {r['diff_p95']:+,.0f}]")
        console.print(t)
        if output is not None:
            console.print(f"wrote {output}")
