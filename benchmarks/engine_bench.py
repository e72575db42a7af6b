"""Engine benchmark: agent-steps per second and bytes per agent on a synthetic graph.

Configuration (fixed): 100 locations, each linked to 4 random others (links of 0.2–1.0 days,
so a move ends the day it starts), 1,000,000 agents created on day 0, 365 days, every agent
moves with probability 1/3 each day (so about a third move each day), one core (Numba's
kernel is serial). Agent-steps = sum over days of agents alive. The kernel is compiled (and
cached) by a small warm-up run that is not timed.

Usage: ``python benchmarks/engine_bench.py [--agents N] [--days D]``. The last line printed is
one JSON object: ``{"agent_steps_per_s": ..., "bytes_per_agent": ..., ...}``
(``agent_steps_per_s`` uses wall-clock time; ``agent_steps_per_cpu_s`` the process's CPU
time, which is the fairer figure on a shared machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np

from roxham.sim import Agents, Cohort, FixedChoice, Network, Options, Simulation, Spawn


def build(
    n_agents: int, n_days: int, n_loc: int = 100, degree: int = 4, seed: int = 0
) -> Simulation:
    """The synthetic benchmark model."""
    rng = np.random.default_rng(seed)
    locs = [(f"L{i}", "town") for i in range(n_loc)]
    links = []
    for i in range(n_loc):
        for j in rng.choice(np.delete(np.arange(n_loc), i), size=degree, replace=False):
            links.append((f"L{i}", f"L{int(j)}", float(rng.uniform(0.2, 1.0))))
    net = Network.build(locs, links)
    opts = Options.from_links(net)
    prob = np.full(opts.n_options, (1.0 / 3.0) / degree)
    start = dt.date(2024, 1, 1)
    daily = np.zeros(n_days)
    daily[0] = n_agents
    per_loc = daily / n_loc
    spawns = [Spawn("all", f"L{i}", per_loc) for i in range(n_loc)]
    return Simulation(
        net,
        start,
        start + dt.timedelta(days=n_days - 1),
        cohorts=[Cohort("all")],
        spawns=spawns,
        options=opts,
        choice=FixedChoice(prob),
        name="engine_bench",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    args = ap.parse_args()
    build(1000, 5).run(seed=1)  # compile / load the cached kernel
    sim = build(args.agents, args.days)
    t0, c0 = time.perf_counter(), time.process_time()
    res = sim.run(seed=1)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rep = res.replicates[0]
    steps = res.agent_steps
    moved = rep.series[:, 2, :].sum(axis=1)  # departures per day
    out = {
        "agent_steps_per_s": round(steps / wall),
        "bytes_per_agent": Agents.bytes_per_agent(),
        "agents": int(rep.n_alive[-1]),
        "days": args.days,
        "locations": sim.network.n_locations,
        "links": sim.network.n_links,
        "moving_share": round(float(moved.mean() / rep.n_alive.mean()), 4),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        # on a shared machine wall time includes waiting for a core; CPU time does not
        "agent_steps_per_cpu_s": round(steps / cpu),
        "kernel_s": round(rep.timings["run_s"], 3),
    }
    print(
        f"{steps:,} agent-steps in {wall:.2f} s = {steps / wall:,.0f} agent-steps/s; "
        f"{out['bytes_per_agent']} bytes per agent; {out['moving_share']:.1%} move per day"
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
