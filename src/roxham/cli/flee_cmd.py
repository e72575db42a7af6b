"""``roxham flee``: run Flee scenarios (Flee 3.1's rules in their own Numba kernel, over the
engine's agent arrays, ``AgentState``, location graph and path options — not the engine's
daily step, random numbers or spawning; see :mod:`roxham.models.flee.kernel`). A run is saved
in the store's one run layout, with Flee's ``out.csv`` as an extra.

roxham flee run INPUT_DIR --validation VALIDATION_DIR [--seed N] [--replicates K]
                [--settings simsetting.yml] [--days D] [-o OUT] [--json]
roxham flee run mali            # a shipped scenario (mali, burundi, car) by name
roxham flee list
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from roxham.cli._common import console, err_console, fail


def register(app: typer.Typer) -> None:
    """Add the ``flee`` command group."""
    flee = typer.Typer(
        name="flee",
        help="Run Flee scenarios (Flee 3.1's movement rules) and score them against UNHCR data.",
        no_args_is_help=True,
    )

    @flee.command("list")
    def list_cmd() -> None:
        """List the shipped Flee scenarios (Flee's data, BSD-3 licence)."""
        from roxham.models.flee import SCENARIOS, read_input_dir, scenario_dirs

        for name in SCENARIOS:
            inp_dir, _ = scenario_dirs(name)
            inp = read_input_dir(inp_dir)
            console.print(
                f"{name}: {len(inp.locations)} locations, {len(inp.routes)} routes, "
                f"{inp.length} days from {inp.start_date}  ({inp_dir.parent})",
                soft_wrap=True,
            )

    @flee.command("run")
    def run_cmd(
        input_dir: Annotated[
            str, typer.Argument(help="Flee input directory (or a shipped scenario name)")
        ],
        validation: Annotated[
            Path | None,
            typer.Option("--validation", help="validation directory (data_layout.csv, ...)"),
        ] = None,
        seed: Annotated[int, typer.Option(help="random seed (>= 0)", min=0)] = 0,
        replicates: Annotated[int, typer.Option(help="number of replicates", min=1)] = 1,
        settings: Annotated[
            Path | None, typer.Option("--settings", help="Flee simsetting.yml")
        ] = None,
        days: Annotated[int, typer.Option(help="days to run (0 = sim_period Length)", min=0)] = 0,
        out: Annotated[Path | None, typer.Option("-o", "--out", help="output directory")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    ) -> None:
        """Run a Flee scenario: a run directory (monthly.parquet, replicates, manifest) with
        Flee's out.csv; print the score.

        The score is Flee's validation measure (mean over days of the rescaled averaged
        relative difference to the UNHCR camp data); agent-steps/s is printed too.
        """
        from roxham.models.flee import SCENARIOS, scenario_dirs
        from roxham.models.flee.model import FleeModel
        from roxham.models.flee.output import write_run

        in_path = Path(input_dir)
        name = input_dir
        if not in_path.exists() and input_dir in SCENARIOS:
            in_path, default_val = scenario_dirs(input_dir)
            validation = validation or default_val
        elif not in_path.is_dir():
            fail(
                f"{input_dir}: no such directory (and not a shipped scenario: "
                f"{', '.join(SCENARIOS)})"
            )
        else:
            name = in_path.resolve().name
            if name == "input_csv":
                name = in_path.resolve().parent.name
        if validation is None:
            fail("--validation VALIDATION_DIR is required for an input directory")
        t0 = time.perf_counter()
        model = FleeModel.load(in_path, validation, settings)
        warm = model.warm_up()
        setup_s = time.perf_counter() - t0
        for w in model.input.warnings:
            err_console.print(f"warning: {w}", markup=False, soft_wrap=True)

        def progress(done: int, total: int) -> None:
            if not as_json and total > 1:
                err_console.print(f"replicate {done}/{total} done", markup=False)

        res = model.run(seed=seed, replicates=replicates, days=days or None, progress=progress)
        out_dir = out or Path("out") / "flee" / f"{name}-seed{seed}"
        write_run(
            res,
            out_dir,
            {
                "scenario_name": name,
                "input_dir": str(in_path),
                "validation_dir": str(validation),
                "settings_file": str(settings) if settings else None,
                "settings": model.settings.given,
                "seed": seed,
                "setup_seconds": setup_s,
                "compile_or_cache_load_seconds": warm,
            },
        )
        scores = res.scores()
        summary = {
            "scenario": name,
            "avg_rel_diff": float(scores.mean()),
            "avg_rel_diff_sd": float(scores.std(ddof=1)) if len(scores) > 1 else 0.0,
            "avg_rel_diff_per_replicate": [round(float(x), 6) for x in scores],
            "agent_steps_per_s": res.agent_steps_per_s(),
            "agents": int(res.total_agents[:, -1].max()),
            "days": res.days,
            "replicates": res.replicates,
            "seed": seed,
            "agent_steps": int(res.agent_steps.sum()),
            "loop_seconds": float(res.loop_seconds.sum()),
            "out_dir": str(out_dir),
        }
        if as_json:
            typer.echo(json.dumps(summary))
            return
        last = res.days - 1
        console.print(f"Flee scenario {name}: {res.days} days from {res.start_date}", markup=False)
        console.print(f"{'camp':<24}{'sim (rep 0)':>12}{'UNHCR':>10}", markup=False)
        for j, c in enumerate(res.camps):
            console.print(
                f"{c:<24}{int(res.camp_sim[0, last, j]):>12}{int(res.camp_data[last, j]):>10}",
                markup=False,
            )
        sd = ""
        if len(scores) > 1:
            sd = f" (sd {summary['avg_rel_diff_sd']:.4f} over {res.replicates})"
        console.print(
            f"validation score (mean rescaled averaged relative difference): "
            f"{summary['avg_rel_diff']:.4f}{sd}",
            markup=False,
        )
        console.print(
            f"agents: {summary['agents']:,}  agent-steps: {summary['agent_steps']:,}  "
            f"agent-steps/s: {summary['agent_steps_per_s']:,.0f}",
            markup=False,
        )
        console.print(f"written: {out_dir} (out.csv, monthly.parquet, camps.parquet, days.parquet)",
                      markup=False)

    app.add_typer(flee)
