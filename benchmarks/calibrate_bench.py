"""Calibration throughput: Canada–US simulations per second (training window 2017-01..2022-12,
one replicate each, distance included) on 1 and 2 local worker processes.

Each worker is warmed up first (compiled kernel loaded, law table built), then ``--sims``
prior draws are timed. With 1 worker the simulations run in this process, so their CPU time
is measured too (``cpu_s_per_sim_1``: what one simulation costs, whatever else the machine is
running; compare versions with it on a busy machine, quote ``sims_per_s_*`` from a quiet one).
Last line: {"sims_per_s_1": ..., "sims_per_s_2": ..., "cpu_s_per_sim_1": ...}.

    python benchmarks/calibrate_bench.py [--sims 16] [--train-end 2022-12]
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial

from roxham.calibrate import CanadaUSModel, LocalExecutor, load_observed, task_seed
from roxham.calibrate.fit import SimTask, evaluate_task


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sims", type=int, default=16)
    ap.add_argument("--train-end", default="2022-12")
    a = ap.parse_args()
    model = CanadaUSModel()
    obs = load_observed(model.targets)
    work = partial(evaluate_task, model, obs, "2017-01", a.train_end)
    draws = model.space.sample_prior(a.sims, seed=1)
    tasks = [SimTask(i, p, task_seed(1, i)) for i, p in enumerate(draws)]
    out: dict[str, float] = {}
    for n in (1, 2):
        ex = LocalExecutor(n)
        try:
            # every worker: imports, kernel, law table (3 tasks per worker so none stays cold)
            ex.map(work, [SimTask(10_000 + i, draws[0], i) for i in range(3 * n)])
            t0 = time.perf_counter()
            c0 = time.process_time()
            res = ex.map(work, tasks)
            dt = time.perf_counter() - t0
            if n == 1:
                out["cpu_s_per_sim_1"] = round((time.process_time() - c0) / len(tasks), 4)
        finally:
            ex.close()
        rate = len(res) / dt
        out[f"sims_per_s_{n}"] = round(rate, 3)
        print(f"{n} worker(s): {len(res)} simulations in {dt:.2f} s = {rate:.2f} sims/s")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
