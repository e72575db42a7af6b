#!/usr/bin/env python3
"""Flee 3.1 and Roxham on the same Flee scenario: agent-steps/s of both, and their ratio.

Installs nothing. Flee runs when ``flee`` (PyPI ``flee==3.1``) is importable by the Python
given with ``--flee-python`` (default: this interpreter); each Flee run is a fresh process of
this same file in ``--flee-worker`` mode (Flee keeps module-level state), which needs only
numpy and flee. Roxham runs in this process, after its kernels are compiled or loaded from
Numba's cache (compilation is not timed).

Throughput = agent-steps / CPU seconds of the daily loop (``time.process_time``; both codes are
single-threaded, and on a shared machine CPU time is what each actually used; wall-clock
figures are printed and in the JSON too), agent-steps = Σ over days of the agents alive when
the day's step starts (the definition of Flee's benchmark, docs/flee/BENCH.md).

Examples::

    python benchmarks/flee_vs_roxham.py speed --scenario mali
    python benchmarks/flee_vs_roxham.py speed --scenario mali --flee-python ~/fleevenv/bin/python
    python benchmarks/flee_vs_roxham.py speed --scenario synthetic --agents 1000000 --days 100
    python benchmarks/flee_vs_roxham.py accuracy --scenario mali --seeds 10 --hasten 10

The last printed line is one JSON object; for ``speed`` it holds
``roxham_agent_steps_per_s``, ``flee_agent_steps_per_s`` and ``ratio``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SCENARIO_ROOT = HERE.parent / "src" / "roxham" / "models" / "flee" / "scenarios"


# ----------------------------------------------------------------------------- shared
def scenario_paths(name: str) -> tuple[Path, Path]:
    root = SCENARIO_ROOT / name
    return root / "input_csv", root / "source_data"


def build_graph(n_loc: int, seed: int, camp_placement: str = "random", k: int = 3) -> dict:
    """The synthetic graph of shared/flee/bench/flee_bench.py: conflict zones west, towns,
    camps (random or east), k nearest neighbours + links to connect, length 1.2 × distance."""
    rng = np.random.default_rng(seed)
    n_conf = max(1, n_loc // 10)
    n_camp = max(1, n_loc // 10)
    n_town = n_loc - n_conf - n_camp
    xs = np.concatenate(
        [
            rng.uniform(0, 200, n_conf),
            rng.uniform(0, 1000, n_town),
            rng.uniform(800, 1000, n_camp)
            if camp_placement == "east"
            else rng.uniform(0, 1000, n_camp),
        ]
    )
    ys = rng.uniform(0, 1000, n_loc)
    kinds = ["conflict_zone"] * n_conf + ["town"] * n_town + ["camp"] * n_camp
    names = [f"L{i:04d}" for i in range(n_loc)]
    pts = np.stack([xs, ys], axis=1)
    dist = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    edges = set()
    for i in range(n_loc):
        for j in np.argsort(dist[i])[1 : k + 1]:
            edges.add((min(i, int(j)), max(i, int(j))))
    parent = list(range(n_loc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in edges:
        parent[find(a)] = find(b)
    while len({find(i) for i in range(n_loc)}) > 1:
        roots: dict[int, list[int]] = {}
        for i in range(n_loc):
            roots.setdefault(find(i), []).append(i)
        groups = list(roots.values())
        g0 = groups[0]
        others = [i for g in groups[1:] for i in g]
        sub = dist[np.ix_(g0, others)]
        a, b = np.unravel_index(np.argmin(sub), sub.shape)
        a, b = g0[a], others[b]
        edges.add((min(a, b), max(a, b)))
        parent[find(a)] = find(b)
    links = [(names[a], names[b], float(round(dist[a, b] * 1.2 + 1.0))) for a, b in sorted(edges)]
    return {"names": names, "kinds": kinds, "xs": xs.tolist(), "ys": ys.tolist(), "links": links}


def initial_counts(graph: dict, agents: int) -> dict[str, int]:
    """N agents dealt round-robin over the conflict zones (as flee_bench.py inserts them)."""
    conf = [n for n, k in zip(graph["names"], graph["kinds"], strict=True) if k == "conflict_zone"]
    out = {c: agents // len(conf) for c in conf}
    for j in range(agents % len(conf)):
        out[conf[j]] += 1
    return out


# ----------------------------------------------------------------------------- Flee side
@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    saved = sys.stderr, sys.stdout
    sink = open(os.devnull, "w")
    sys.stderr = sys.stdout = sink
    try:
        yield
    finally:
        sys.stderr, sys.stdout = saved
        sink.close()


def _read_period(path: Path) -> tuple[str, int]:
    start, length = "", 0
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) >= 2 and row[0].strip().lower() == "startdate":
                start = row[1].strip()
            elif len(row) >= 2 and row[0].strip().lower() == "length":
                length = int(row[1])
    return start, length


def flee_worker(args: argparse.Namespace) -> dict[str, Any]:
    """One Flee 3.1 run in this process (called in a fresh process per run)."""
    import flee as flee_pkg  # noqa: F401
    from flee import InputGeography, flee, spawning
    from flee.datamanager import handle_refugee_data
    from flee.SimulationSettings import SimulationSettings

    random.seed(args.seed)
    np.random.seed(args.seed)
    work = Path(tempfile.mkdtemp(prefix="flee_vs_roxham_"))
    yml = work / "simsetting.yml"
    settings: dict[str, Any] = {}
    if args.hasten > 1:
        settings["optimisations"] = {"hasten": args.hasten}
    yml.write_text(json.dumps(settings) if settings else "")  # JSON is valid YAML
    if args.settings:
        yml = Path(args.settings).resolve()
    os.chdir(work)  # Flee reads optional files relative to the working directory
    sys.setrecursionlimit(10000)
    if args.scenario == "synthetic":
        graph = build_graph(args.locations, args.seed)
        with _quiet():
            SimulationSettings.ReadFromYML(str(yml))
            e = flee.Ecosystem()
            locs = {}
            for n, kd, x, y in zip(
                graph["names"], graph["kinds"], graph["xs"], graph["ys"], strict=True
            ):
                kw: dict[str, Any] = dict(name=n, x=x / 100.0, y=y / 100.0, location_type=kd,
                                          country="abroad" if kd == "camp" else "home",
                                          foreign=kd == "camp")  # fmt: skip
                if kd == "camp":
                    kw["capacity"] = -1
                else:
                    kw["pop"] = 100000
                locs[n] = e.addLocation(**kw)
            for a, b, km in graph["links"]:
                e.linkUp(a, b, km)
            for n, kd in zip(graph["names"], graph["kinds"], strict=True):
                if kd == "conflict_zone":
                    e.add_conflict_zone(n)
            for n, c in initial_counts(graph, args.agents).items():
                for _ in range(c):
                    e.addAgent(locs[n], {})
            steps = 0
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.days):
                steps += len(e.agents)
                e.evolve()
            loop, cpu = time.perf_counter() - t0, time.process_time() - c0
        return {
            "agent_steps": steps, "loop_s": loop, "loop_cpu_s": cpu, "agents": len(e.agents),
            "days": args.days,
        }  # fmt: skip

    in_dir, val_dir = scenario_paths(args.scenario)
    start, length = _read_period(in_dir / "sim_period.csv")
    days = args.days if args.days and args.days > 0 else length
    with _quiet():
        SimulationSettings.ReadFromYML(str(yml))
        SimulationSettings.ConflictInputFile = str(in_dir / "conflicts.csv")
        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadConflictInputCSV(SimulationSettings.ConflictInputFile)
        ig.ReadLocationsFromCSV(str(in_dir / "locations.csv"))
        ig.ReadLinksFromCSV(str(in_dir / "routes.csv"))
        ig.ReadClosuresFromCSV(str(in_dir / "closures.csv"))
        e, lm = ig.StoreInputGeographyInEcosystem(e)
        d = handle_refugee_data.RefugeeTable(
            csvformat="generic", data_directory=str(val_dir), start_date=start,
            data_layout="data_layout.csv",
            population_scaledown_factor=SimulationSettings.optimisations["PopulationScaleDownFactor"],
        )  # fmt: skip
        d.ReadL1Corrections(str(in_dir / "registration_corrections.csv"))
        camps = e.get_camp_names()
        for name in camps:
            spawning.add_initial_refugees(e, d, lm[name])
        sims: list[list[int]] = []
        datas: list[list[int]] = []
        steps = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for t in range(days):
            ig.AddNewConflictZones(e, t)
            spawning.spawn_daily_displaced(e, t, d)
            spawning.refresh_spawn_weights(e)
            e.enact_border_closures(t)
            steps += len(e.agents)
            e.evolve()
            sims.append([lm[c].numAgents for c in camps])
            datas.append([d.get_field(c, t) for c in camps])
        loop, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "agent_steps": steps, "loop_s": loop, "loop_cpu_s": cpu, "agents": e.numAgents(),
        "days": days,
        "camps": camps, "sim": sims, "data": datas,
        "avg_rel_diff": ard_rescaled_mean(np.array(sims), np.array(datas)),
    }  # fmt: skip


def ard_rescaled_mean(sim: np.ndarray, data: np.ndarray) -> float:
    """docs/flee/VALIDATION.md §3: mean over days of Σ_c |s_c·U/S − d_c| / max(U, 1)."""
    sim = sim.astype(float)
    data = data.astype(float)
    u = np.trunc(data.sum(axis=1))
    s = sim.sum(axis=1)
    scale = np.divide(u, s, out=np.zeros_like(u), where=s > 0)
    return float((np.abs(sim * scale[:, None] - data).sum(axis=1) / np.maximum(u, 1.0)).mean())


def run_flee(args: argparse.Namespace, seed: int, flee_python: str) -> dict[str, Any] | None:
    cmd = [flee_python, str(Path(__file__).resolve()), "--flee-worker",
           "--scenario", args.scenario, "--seed", str(seed), "--hasten", str(args.hasten),
           "--days", str(args.days), "--agents", str(args.flee_agents or args.agents),
           "--locations", str(args.locations)]  # fmt: skip
    if args.settings:
        cmd += ["--settings", str(Path(args.settings).resolve())]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        print(f"flee run failed: {' | '.join(tail)}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def flee_available(flee_python: str) -> str | None:
    """Flee's version if ``flee`` is importable by that Python, else None."""
    proc = subprocess.run(
        [flee_python, "-c", "from importlib.metadata import version; print(version('flee'))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        proc = subprocess.run(
            [flee_python, "-c", "import flee; print('unknown')"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    return proc.stdout.strip() if proc.returncode == 0 else None


# ----------------------------------------------------------------------------- Roxham side
def run_roxham(args: argparse.Namespace, seed: int, replicates: int = 1) -> dict[str, Any]:
    from roxham.models.flee.model import FleeModel
    from roxham.models.flee.settings import FleeSettings, read_settings

    s = read_settings(args.settings) if args.settings else FleeSettings()
    if args.hasten > 1:
        s = s.replace(hasten=args.hasten)
    initial = None
    if args.scenario == "synthetic":
        graph = build_graph(args.locations, args.seed)
        tmp = Path(tempfile.mkdtemp(prefix="roxham_synth_"))
        in_dir, val_dir = write_synthetic(graph, tmp, args.days)
        initial = initial_counts(graph, args.agents)
    else:
        in_dir, val_dir = scenario_paths(args.scenario)
    model = FleeModel.load(in_dir, val_dir, s)
    model.warm_up()
    res = model.run(seed=seed, replicates=replicates, days=args.days or None, initial=initial)
    out: dict[str, Any] = {
        "agent_steps": int(res.agent_steps.sum()),
        "loop_s": float(res.loop_seconds.sum()),
        "loop_cpu_s": float(res.loop_cpu_seconds.sum()),
        "agents": int(res.total_agents[:, -1].max()),
        "days": res.days,
        "avg_rel_diff": [float(x) for x in res.scores()]
        if len(res.camps) and args.scenario != "synthetic"
        else [],
        "camps": res.camps,
        "sim": res.camp_sim,
        "data": res.camp_data,
    }
    return out


def write_synthetic(graph: dict, root: Path, days: int) -> tuple[Path, Path]:
    """The synthetic graph as Flee input files (camps: unlimited capacity, no UNHCR data)."""
    inp, val = root / "input_csv", root / "source_data"
    inp.mkdir(parents=True)
    val.mkdir(parents=True)
    rows = []
    for n, kd, x, y in zip(graph["names"], graph["kinds"], graph["xs"], graph["ys"], strict=True):
        country = "abroad" if kd == "camp" else "home"
        pop = 0 if kd == "camp" else 100000
        rows.append(f"{n},{n},{country},{x / 100.0},{y / 100.0},{kd},0,{pop}\n")
    # the first row sets the home country: make it a conflict zone (they come first)
    (inp / "locations.csv").write_text(
        "#name,region,country,lat,lon,type,cdate,pop\n" + "".join(rows)
    )
    (inp / "routes.csv").write_text(
        "#a,b,km,fr\n" + "".join(f"{a},{b},{km},0\n" for a, b, km in graph["links"])
    )
    (inp / "closures.csv").write_text("#type,a,b,start,end\n")
    conf = [n for n, k in zip(graph["names"], graph["kinds"], strict=True) if k == "conflict_zone"]
    (inp / "conflicts.csv").write_text(
        "#Day,"
        + ",".join(conf)
        + "\n"
        + "".join(f"{d}," + ",".join("1" * len(conf)) + "\n" for d in range(days))
    )
    (inp / "sim_period.csv").write_text(f"StartDate,2020-01-01\nLength,{days}\n")
    (inp / "registration_corrections.csv").write_text("")
    camps = [n for n, k in zip(graph["names"], graph["kinds"], strict=True) if k == "camp"]
    (val / "data_layout.csv").write_text(
        "total,refugees.csv\n" + "".join(f"{c},zero.csv\n" for c in camps)
    )
    (val / "refugees.csv").write_text("Date,n\n2020-01-01,0\n")
    (val / "zero.csv").write_text("Date,n\n2020-01-01,0\n")
    return inp, val


# ----------------------------------------------------------------------------- commands
def cmd_speed(args: argparse.Namespace) -> dict[str, Any]:
    rox = run_roxham(args, args.seed)
    rox_rate = rox["agent_steps"] / rox["loop_cpu_s"]
    print(
        f"roxham  {args.scenario}: {rox['agents']:,} agents, {rox['days']} days, "
        f"{rox['agent_steps']:,} agent-steps in {rox['loop_cpu_s']:.2f} CPU s "
        f"({rox['loop_s']:.2f} s wall) = {rox_rate:,.0f}/s"
        + (f", avg_rel_diff {rox['avg_rel_diff'][0]:.4f}" if rox["avg_rel_diff"] else "")
    )
    out: dict[str, Any] = {
        "scenario": args.scenario, "seed": args.seed, "hasten": args.hasten,
        "roxham_agent_steps_per_s": rox_rate, "roxham_agents": rox["agents"],
        "roxham_loop_cpu_s": rox["loop_cpu_s"], "roxham_loop_wall_s": rox["loop_s"],
        "roxham_agent_steps_per_s_wall": rox["agent_steps"] / rox["loop_s"],
    }  # fmt: skip
    if rox["avg_rel_diff"]:
        out["roxham_avg_rel_diff"] = rox["avg_rel_diff"][0]
    ver = flee_available(args.flee_python)
    if ver is None:
        print(f"flee is not importable by {args.flee_python}: pip install flee==3.1")
        out.update(flee_agent_steps_per_s=None, ratio=None)
        return out
    fl = run_flee(args, args.seed, args.flee_python)
    if fl is None:
        out.update(flee_agent_steps_per_s=None, ratio=None)
        return out
    fl_rate = fl["agent_steps"] / fl["loop_cpu_s"]
    print(
        f"flee {ver} {args.scenario}: {fl['agents']:,} agents, {fl['days']} days, "
        f"{fl['agent_steps']:,} agent-steps in {fl['loop_cpu_s']:.2f} CPU s "
        f"({fl['loop_s']:.2f} s wall) = {fl_rate:,.0f}/s"
        + (f", avg_rel_diff {fl['avg_rel_diff']:.4f}" if "avg_rel_diff" in fl else "")
    )
    out.update(
        flee_version=ver, flee_agent_steps_per_s=fl_rate, flee_agents=fl["agents"],
        flee_loop_cpu_s=fl["loop_cpu_s"], flee_loop_wall_s=fl["loop_s"],
        flee_agent_steps_per_s_wall=fl["agent_steps"] / fl["loop_s"], ratio=rox_rate / fl_rate,
        ratio_wall=(rox["agent_steps"] / rox["loop_s"]) / (fl["agent_steps"] / fl["loop_s"]),
    )  # fmt: skip
    if "avg_rel_diff" in fl:
        out["flee_avg_rel_diff"] = fl["avg_rel_diff"]
    print(f"ratio (roxham / flee agent-steps per CPU second): {rox_rate / fl_rate:,.1f}")
    return out


def cmd_accuracy(args: argparse.Namespace) -> dict[str, Any]:
    """Validation score over seeds 1..K for Roxham and (if importable) Flee, and how often the
    Roxham ensemble-mean camp series lies within Flee's ensemble spread (mean ± 2 sd)."""
    seeds = list(range(1, args.seeds + 1))
    rox = run_roxham(args, args.seed, replicates=args.seeds)
    r_scores = np.array(rox["avg_rel_diff"])
    out: dict[str, Any] = {
        "scenario": args.scenario, "hasten": args.hasten, "seeds": args.seeds,
        "roxham_mean": float(r_scores.mean()), "roxham_sd": float(r_scores.std(ddof=1)),
        "roxham_agent_steps_per_s": rox["agent_steps"] / rox["loop_cpu_s"],
    }  # fmt: skip
    print(
        f"roxham {args.scenario}: avg_rel_diff {r_scores.mean():.4f} ± {r_scores.std(ddof=1):.4f}"
    )
    n_flee = args.flee_seeds if args.flee_seeds is not None else args.seeds
    if n_flee and flee_available(args.flee_python):
        runs = [run_flee(args, s, args.flee_python) for s in seeds[:n_flee]]
        ok = [r for r in runs if r is not None]
        if ok:
            f_scores = np.array([r["avg_rel_diff"] for r in ok])
            f_sim = np.array([r["sim"] for r in ok], dtype=float)  # [K, T, C]
            r_sim = rox["sim"].astype(float)
            f_mean, f_sd = f_sim.mean(axis=0), f_sim.std(axis=0, ddof=1) if len(ok) > 1 else 0
            r_mean = r_sim.mean(axis=0)
            tol = 2 * np.maximum(f_sd, np.sqrt(np.maximum(f_mean, 1.0)))  # ≥ Poisson noise
            within = float((np.abs(r_mean - f_mean) <= tol).mean())
            rel = np.abs(r_mean - f_mean).sum(axis=1) / np.maximum(f_mean.sum(axis=1), 1.0)
            out.update(
                flee_runs=len(ok), flee_mean=float(f_scores.mean()),
                flee_sd=float(f_scores.std(ddof=1)) if len(ok) > 1 else 0.0,
                flee_agent_steps_per_s=sum(r["agent_steps"] for r in ok)
                / sum(r["loop_cpu_s"] for r in ok),
                camp_days_within_2sd=within, mean_camp_abs_diff_rel=float(rel.mean()),
            )  # fmt: skip
            print(
                f"flee   {args.scenario}: avg_rel_diff "
                f"{out['flee_mean']:.4f} ± {out['flee_sd']:.4f}"
                f" ({len(ok)} seeds); camp-days within Flee mean ± 2 sd: {within:.1%}"
            )
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", nargs="?", choices=["speed", "accuracy"], default="speed")
    p.add_argument("--scenario", default="mali", choices=["mali", "burundi", "car", "synthetic"])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=10, help="accuracy: seeds 1..K")
    p.add_argument(
        "--flee-seeds", type=int, default=None, help="accuracy: Flee seeds (default = --seeds)"
    )
    p.add_argument("--hasten", type=int, default=1, help="Flee's optimisations.hasten (1/N agents)")
    p.add_argument("--days", type=int, default=0, help="0 = the scenario's length (synthetic: 100)")
    p.add_argument("--agents", type=int, default=1_000_000, help="synthetic: agents")
    p.add_argument(
        "--flee-agents", type=int, default=0, help="synthetic: agents on the Flee side (0 = same)"
    )
    p.add_argument("--locations", type=int, default=100, help="synthetic: locations")
    p.add_argument("--settings", help="a simsetting.yml for both")
    p.add_argument("--flee-python", default=sys.executable, help="Python that can import flee")
    p.add_argument("--flee-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.scenario == "synthetic" and not args.days:
        args.days = 100
    if args.flee_worker:
        print(json.dumps(flee_worker(args), default=lambda o: o.tolist()))
        return
    res = cmd_speed(args) if args.command == "speed" else cmd_accuracy(args)
    print(json.dumps(res, default=float))


if __name__ == "__main__":
    main()
