"""Large fuzz run (issue 18): ≥ 100,000 hostile inputs across the law, scenario files, the
CLI and the API, all in-process (the real CLI runner, FastAPI's TestClient), reporting how
many crashed (an exception that is not a clear refusal, a traceback, a 5xx) and how many hung
(took longer than --hang-s).

The generators and targets are the property tests' (``tests/fuzz/fuzz_targets.py``); here
they are driven by ``random.Random(seed * 1_000_003 + i)`` so every input can be replayed
with ``--replay TARGET:I``. Progress goes to stderr; the last line printed is one JSON object
``{"inputs": ..., "crashes": 0, "hangs": 0, "wall_s": ...}``.

Usage: python benchmarks/fuzz.py [--law N] [--api N] [--scenario N] [--cli N] [--seed S]
       [--scale F] [--hang-s S] [--replay TARGET:I]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import signal
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
warnings.filterwarnings("ignore")

from fuzz_targets import (  # noqa: E402
    Crash,
    api_target,
    cli_target,
    law_target,
    make_api_client,
    scenario_target,
    temp_folder,
)

#: Inputs per target by default (100,000 in all).
DEFAULT_COUNTS = {"law": 77_000, "api": 18_000, "scenario": 3_000, "cli": 2_000}


class _Stuck(Exception):
    pass


def _alarm(_sig: int, _frame: FrameType | None) -> None:
    raise _Stuck


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    for name, n in DEFAULT_COUNTS.items():
        ap.add_argument(f"--{name}", type=int, default=n, help=f"inputs (default {n})")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--hang-s", type=float, default=10.0,
                    help="an input taking longer counts as a hang (default 10 s)")
    ap.add_argument("--replay", default="", help="TARGET:I — run one input and show it")
    args = ap.parse_args()

    folder = temp_folder()
    client = make_api_client(folder / "api")
    targets: dict[str, Callable[[random.Random], str]] = {
        "law": law_target,
        "scenario": lambda r: scenario_target(r, folder),
        "cli": lambda r: cli_target(r, folder),
        "api": lambda r: api_target(r, client),
    }

    def rng(i: int) -> random.Random:
        return random.Random(args.seed * 1_000_003 + i)

    if args.replay:
        name, _, i = args.replay.partition(":")
        print(targets[name](rng(int(i))))
        return

    signal.signal(signal.SIGALRM, _alarm)
    inputs = crashes = hangs = 0
    outcomes: dict[str, collections.Counter[str]] = {}
    examples: list[dict[str, Any]] = []
    t_start = time.perf_counter()
    offset = 0
    for name, target in targets.items():
        n = round(getattr(args, name) * args.scale)
        count: collections.Counter[str] = collections.Counter()
        t0 = time.perf_counter()
        for i in range(offset, offset + n):
            t = time.perf_counter()
            signal.alarm(int(max(args.hang_s * 6, 30)))
            try:
                count[target(rng(i))] += 1
            except Crash as e:
                count["crash"] += 1
                crashes += 1
                if len(examples) < 20:
                    examples.append({"target": name, "replay": f"{name}:{i}", "what": str(e)})
            except _Stuck:
                count["hang"] += 1
                hangs += 1
                if len(examples) < 20:
                    examples.append({"target": name, "replay": f"{name}:{i}", "what": "stuck"})
            finally:
                signal.alarm(0)
            if time.perf_counter() - t > args.hang_s and count["hang"] == 0:
                hangs += 1
                count["slow"] += 1
                examples.append({"target": name, "replay": f"{name}:{i}",
                                 "what": f"took {time.perf_counter() - t:.1f} s"})
            inputs += 1
        offset += n
        outcomes[name] = count
        print(f"{name}: {n} inputs in {time.perf_counter() - t0:.1f} s: {dict(count)}",
              file=sys.stderr, flush=True)
    client.__exit__(None, None, None)
    wall = time.perf_counter() - t_start
    for ex in examples:
        print(json.dumps(ex), file=sys.stderr)
    print(json.dumps({"inputs": inputs, "crashes": crashes, "hangs": hangs,
                      "wall_s": round(wall, 1), "seed": args.seed,
                      "per_target": {k: dict(v) for k, v in outcomes.items()}}))


if __name__ == "__main__":
    main()
