"""Benchmark: wall time of one historical Canada–US run (one replicate) after compilation.

Builds the model once (law table, demand, the ``roxham.sim`` simulation), runs one replicate
to compile/load the engine's Numba kernel, then times ``--repeat`` replicates of the
historical scenario (2017-01-01 → 2024-12-31) and reports the best wall time and agent-steps
per second (an agent-step is one agent in the engine's active window on one day: the agents
from the first one not yet finished to the last one created; ``alive_steps_per_s`` counts
every agent created so far instead, the engine's ``RunResult.agent_steps``).

Usage: ``python benchmarks/canada_us_bench.py [--repeat N]``. The last line printed is one
JSON object: ``{"wall_s": ..., "agent_steps_per_s": ..., ...}``.
"""

from __future__ import annotations

import argparse
import json
import time

from roxham.models.canada_us.model import build, run_replicate, run_scenario
from roxham.models.canada_us.scenario import load_scenario


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    s = load_scenario("historical")
    t0 = time.perf_counter()
    b = build(s)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_replicate(b, 1)  # compile / load the cached kernel
    first_s = time.perf_counter() - t0
    best = float("inf")
    best_seed = 1000
    steps = 0
    agents = 0
    alive = 0
    for i in range(args.repeat):
        t0 = time.perf_counter()
        res = run_replicate(b, 1000 + i)
        dt_ = time.perf_counter() - t0
        if dt_ < best:
            best = dt_
            best_seed = 1000 + i
            # the counts of the fastest replicate's seed (seeds differ, so do their agents)
            steps = int(res["agent_steps"])
            agents = int(res["n_agents"])
            alive = int(res["alive_steps"])
    t0 = time.perf_counter()
    run_scenario(s, replicates=1)
    full_s = time.perf_counter() - t0
    print(f"build (law table + demand): {build_s:.2f} s; first replicate incl. load: "
          f"{first_s:.2f} s")
    print(f"one historical replicate (best of {args.repeat}): {best:.3f} s, {agents:,} agents, "
          f"{steps:,} agent-steps over {s.n_days} days")
    print(f"run_scenario with 1 replicate (build + run + monthly summary): {full_s:.2f} s")
    print(json.dumps({
        "wall_s": round(best, 4),
        "agent_steps_per_s": round(steps / best, 1),
        "alive_steps_per_s": round(alive / best, 1),
        "agents": agents,
        "agents_seed": best_seed,
        "days": s.n_days,
        "build_s": round(build_s, 3),
        "run_scenario_1rep_s": round(full_s, 3),
    }))


if __name__ == "__main__":
    main()
