"""Fuzz targets shared by the property tests (``tests/fuzz/test_fuzz.py``, Hypothesis) and the
large run (``benchmarks/fuzz.py``): each target takes a :class:`random.Random`, builds one
hostile input (facts, a scenario file, a CLI call or an API request) and raises
:class:`Crash` when Roxham answers it with anything but a result or a clear refusal.

Hostile values: NaN, ±inf, negative numbers, integers of 5,000 digits, nesting 10,000 deep,
dates at 0001-01-01 and 9999-12-31, impossible dates, long strings, wrong types, unknown keys,
non-UTF-8 and UTF-16 bytes, empty files, large families.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from roxham.errors import UserError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "law"))
from law_strategies import build_facts, build_reform


class Crash(AssertionError):
    """Roxham failed on an input instead of answering or refusing it clearly."""


_EDGE_DATES = ["0001-01-01", "0001-01-14", "1899-12-31", "1900-01-01", "2100-12-31",
               "2101-01-01", "9999-12-31", "2023-02-29", "2024-13-01", "", "2023-3-5",
               "20230101", "2023-03-25T00:00:00"]


def hostile_value(r: random.Random) -> Any:
    """One value that breaks an assumption."""
    k = r.randrange(16)
    if k == 0:
        return float("nan")
    if k == 1:
        return r.choice([float("inf"), float("-inf")])
    if k == 2:
        return -r.choice([1, 0.5, 10**6, 1e308])
    if k == 3:  # more than 4,300 digits: as text in files and bodies, as an int in-process
        return r.choice([BIG_MARK, 10 ** r.choice([20, 400, 5000]) - 1])
    if k == 4:
        return _deep(r.choice([50, 2000, 10_000]))
    if k == 5:
        return r.choice(_EDGE_DATES)
    if k == 6:
        return "x" * r.choice([0, 1, 1000, 200_000])
    if k == 7:
        return r.choice([None, True, False, [], {}, "", 0])
    if k == 8:
        return {"bogus": 1}
    if k == 9:
        return [r.random() for _ in range(r.randint(0, 30))]
    if k == 10:
        return "\ud800" if r.random() < 0.5 else "é\x00\u202e"
    if k == 11:
        return r.randint(-(2**70), 2**70)
    if k == 12:
        return r.uniform(-1e6, 1e6)
    if k == 13:
        return [{"rel": "SIBLING", "status": "CITIZEN"}] * r.choice([60, 500])
    if k == 14:
        return {"date": r.choice(_EDGE_DATES)}
    return r.choice(["HT", "US", "ZZ", "ht", "LAND_POE", "AIRPORT"])


def _deep(n: int) -> Any:
    v: Any = 1
    for _ in range(n):
        v = [v]
    return v


def mutate(r: random.Random, obj: Any, n: int = 1) -> Any:
    """``obj`` with ``n`` random places replaced by hostile values (or keys added/dropped)."""
    for _ in range(n):
        obj = _mutate_once(r, obj, 0)
    return obj


def _mutate_once(r: random.Random, obj: Any, depth: int) -> Any:
    if isinstance(obj, dict) and obj and depth < 6 and r.random() < 0.75:
        out = dict(obj)
        key = r.choice(list(out))
        x = r.random()
        if x < 0.1:
            out.pop(key)
        elif x < 0.2:
            out[r.choice(["bogus", "extra", key + "_"])] = hostile_value(r)
        else:
            out[key] = _mutate_once(r, out[key], depth + 1)
        return out
    if isinstance(obj, list) and obj and depth < 6 and r.random() < 0.75:
        out_l = list(obj)
        i = r.randrange(len(out_l))
        out_l[i] = _mutate_once(r, out_l[i], depth + 1)
        return out_l
    return hostile_value(r)


#: Stands for an integer of 5,000 digits in generated data; :func:`with_big_ints` writes it.
BIG_MARK = "BIGINT_9_5000"
BIG_DIGITS = "9" * 5000


def with_big_ints(text: str) -> str:
    """``text`` with every :data:`BIG_MARK` (quoted or not) replaced by 5,000 digits."""
    return text.replace(f'"{BIG_MARK}"', BIG_DIGITS).replace(BIG_MARK, BIG_DIGITS)


def _marks(obj: Any) -> Any:
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, int) and abs(obj) > 10**4000:
        return BIG_MARK
    if isinstance(obj, dict):
        return {k: _marks(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_marks(v) for v in obj]
    return obj


def _dumps(obj: Any) -> str:
    """JSON text, writing NaN/inf as JSON does not allow (a client may send them) and the
    huge integers as digits."""
    try:
        return with_big_ints(json.dumps(_marks(obj), allow_nan=True))
    except (RecursionError, ValueError):
        return "[" * 20_000


def facts_case(r: random.Random) -> tuple[Any, str]:
    """(facts, as_of text): mostly valid facts from the law strategies, often mutated."""
    facts, as_of = build_facts(r)
    day = as_of.isoformat()
    if r.random() < 0.5:
        facts = mutate(r, facts, r.randint(1, 3))
    if r.random() < 0.15:
        day = r.choice(_EDGE_DATES)
    return facts, day


# -- law ------------------------------------------------------------------------------------

def law_target(r: random.Random) -> str:
    """Facts → determine, explain, what_would_change, evaluate_batch."""
    from roxham.law import (
        Facts,
        columns_from_facts,
        determine,
        evaluate_batch,
        explain,
        what_would_change,
    )

    facts, day_text = facts_case(r)
    try:
        f = Facts.model_validate(facts)
        day = dt.date.fromisoformat(day_text)
    except (ValidationError, ValueError, UserError):
        return "refused"
    reform = build_reform(r) if r.random() < 0.3 else None
    try:
        det = determine(f, day, reform)
        explain(det, r.choice(["en", "fr"]))
        what_would_change(f, day, reform, base=det)
        if r.random() < 0.2:
            evaluate_batch(columns_from_facts([f]), day, reform)
    except UserError:
        return "refused"
    except Exception as e:
        raise Crash(f"law: {type(e).__name__}: {str(e)[:200]}") from e
    return "ok"


# -- scenarios ------------------------------------------------------------------------------

_SCEN_KEYS = [
    ("seed",), ("replicates",), ("start",), ("end",), ("choice", "beta_success"),
    ("choice", "asc_stay"), ("choice", "asc", "roxham"), ("processing", "irb_pending_initial"),
    ("processing", "irb_finalised_per_year", 2019), ("processing", "p_intercept_irregular"),
    ("demand", "land_base_per_day", "nyc"), ("demand", "air_claims_per_year", 2020),
    ("demand", "shocks"), ("network", "closures"), ("law", "covid_order"),
    ("law", "information_lag_days"), ("law", "reform"), ("cohorts", "family", "spouse"),
    ("network", "km_per_day"), ("bogus",), ("extends",),
]


def scenario_text(r: random.Random) -> bytes:
    """A scenario file: ``extends: historical`` with hostile overrides, or broken bytes."""
    import yaml

    x = r.random()
    if x < 0.12:
        return r.choice([b"", b"\n\n", "name: é".encode("latin-1"),
                         "extends: historical\n".encode("utf-16"), b"\x00\x01\x02",
                         b"a: " + b"[" * 20_000, b"extends: historical\nseed: " + b"9" * 5000,
                         b"{{{", b"- just\n- a list\n", b"extends: [1, 2]\n",
                         b"extends: nope\n", b"extends: ../../etc/passwd.yaml\n"])
    data: dict[str, Any] = {"extends": "historical", "name": "fuzz"}
    for _ in range(r.randint(1, 3)):
        path = r.choice(_SCEN_KEYS)
        node = data
        for seg in path[:-1]:
            node = node.setdefault(seg, {})
        node[path[-1]] = hostile_value(r)
    try:
        text = with_big_ints(yaml.safe_dump(_marks(data), allow_unicode=r.random() < 0.5))
    except (RecursionError, yaml.YAMLError, ValueError):
        text = "extends: historical\nchoice: " + "[" * 5000
    return text.encode("utf-8", errors="surrogatepass")


def scenario_target(r: random.Random, folder: Path) -> str:
    """A scenario file → ``load_scenario`` (Canada–US) and ``parse``/``load`` (engine)."""
    from roxham.models.canada_us.scenario import load_scenario
    from roxham.sim.scenario import load_scenario as load_sim

    path = folder / "fuzz.yaml"
    path.write_bytes(scenario_text(r))
    outcomes = []
    for loader in (load_scenario, load_sim):
        try:
            loader(str(path))
            outcomes.append("ok")
        except UserError as e:
            if "\n" in str(e):
                raise Crash(f"scenario: a multi-line error: {str(e)[:200]!r}") from e
            outcomes.append("refused")
        except Exception as e:
            raise Crash(f"scenario: {type(e).__name__}: {str(e)[:200]}") from e
    return outcomes[0]  # the Canada–US loader's (these files are never engine scenarios)


# -- CLI ------------------------------------------------------------------------------------

def cli_args(r: random.Random, folder: Path) -> list[str]:
    """One hostile command line (files written into ``folder``); never one that runs a model."""
    x = r.randrange(6)
    if x == 0:
        facts, day = facts_case(r)
        p = folder / "facts.json"
        raw = _dumps(facts).encode("utf-8", errors="surrogatepass")
        if r.random() < 0.1:
            raw = r.choice([b"", raw.decode("utf-8", "replace").encode("utf-16"),
                            b"\xff" + raw])
        p.write_bytes(raw)
        args = ["screen", str(p), "--json"]
        if r.random() < 0.3:
            args += ["--as-of", day]
        return args
    if x == 1:
        rows = ["id,as_of_date,facts"]
        for i in range(r.randint(1, 4)):
            facts, day = facts_case(r)
            cell = _dumps(facts).replace('"', '""')
            if r.random() < 0.1:
                cell = "x" * 140_000
            rows.append(f'{i},{day},"{cell}"')
        p = folder / "batch.csv"
        p.write_bytes("\n".join(rows).encode("utf-8", errors="surrogatepass"))
        return ["screen", "--batch", str(p)]
    if x == 2:
        p = folder / "scen.yaml"
        raw = scenario_text(r)
        # only files that cannot be valid, so no model runs: break the bytes on purpose
        p.write_bytes(r.choice([b"", b"\xff\xfe" + raw, raw + b"\n: :\n  - ]", b"[" * 9000]))
        return ["run", str(p), "-o", str(folder / "out")]
    if x == 3:
        return ["run", str(folder)]  # a directory
    if x == 4:
        return ["flee", "run", "mali", "--seed", str(r.choice([-5, -1, -(2**70)])),
                "-o", str(folder / "flee")]
    return ["law", "show", r.choice(["IRPR 159.5(a)", "nope", "", "x" * 5000, "\x00"])]


def cli_target(r: random.Random, folder: Path) -> str:
    """A command line through the real CLI runner: exit 0/1/2 and no traceback."""
    from roxham.cli import app
    from roxham.cli._common import run_app

    args = cli_args(r, folder)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = run_app(app, args)
        except SystemExit as e:  # pragma: no cover - run_app returns codes
            rc = int(e.code or 0)
        except BaseException as e:
            raise Crash(f"cli {args[:2]}: escaped {type(e).__name__}") from e
    if rc not in (0, 1, 2) or "Traceback" in err.getvalue():
        raise Crash(f"cli {args[:2]}: exit {rc}: {err.getvalue()[-300:]!r}")
    return "ok" if rc == 0 else "refused"


# -- API ------------------------------------------------------------------------------------

class _NoRunBackend:
    """The Canada–US backend's scenarios and levers (for validation), but runs never start."""

    def __init__(self) -> None:
        from roxham.api.app import default_backend

        self._real = default_backend()

    def scenarios(self) -> Any:
        return self._real.scenarios()

    def run(self, job: Any, progress: Any) -> Any:
        raise RuntimeError("runs are not executed while fuzzing")


def make_api_client(folder: Path) -> Any:
    """An in-process client of the app (SQLite in memory, thread jobs that never run)."""
    from fastapi.testclient import TestClient

    from roxham.api import ApiSettings, create_app

    settings = ApiSettings(db_url="sqlite://", data_dir=folder, job_isolation="thread",
                           max_queued_jobs=0)
    client = TestClient(create_app(settings, backend=_NoRunBackend()),
                        raise_server_exceptions=False)
    client.__enter__()
    return client


def api_target(r: random.Random, client: Any) -> str:
    """One hostile request; any 5xx is a crash."""
    x = r.randrange(7)
    if x <= 2:
        facts, day = facts_case(r)
        body: Any = {"as_of_date": day, "facts": facts}
        if r.random() < 0.3:
            body["lang"] = r.choice(["en", "fr", "xx", 1])
        if r.random() < 0.2:
            body = mutate(r, body)
        resp = client.post("/api/v1/screen", content=_dumps(body).encode(
            "utf-8", errors="surrogatepass"), headers={"content-type": "application/json"})
    elif x == 3:
        cases = []
        for _ in range(r.randint(1, 3)):
            facts, day = facts_case(r)
            cases.append({"as_of_date": day, "facts": facts})
        resp = client.post("/api/v1/screen/batch", content=_dumps({"cases": cases}).encode(
            "utf-8", errors="surrogatepass"), headers={"content-type": "application/json"})
    elif x == 4:
        body = mutate(r, {"scenario": "historical", "levers": {}, "seed": 1}, r.randint(1, 2))
        resp = client.post("/api/v1/runs", content=_dumps(body).encode(
            "utf-8", errors="surrogatepass"), headers={"content-type": "application/json"})
    elif x == 5:
        raw = r.choice([b"", b"\xff\xfe{}", b"[" * 50_000, b'{"a": ' + b"9" * 5000 + b"}",
                        b"null", b"{" * 10, b'{"as_of_date": NaN}'])
        resp = client.post(r.choice(["/api/v1/screen", "/api/v1/screen/batch",
                                     "/api/v1/runs"]), content=raw,
                           headers={"content-type": "application/json"})
    else:
        q = r.choice([*_EDGE_DATES, "x" * 3000, "2023-06-01"])
        resp = r.choice([
            lambda: client.get("/api/v1/provisions", params={"as_of": q}),
            lambda: client.get(f"/api/v1/runs/{q or 'x'}"),
            lambda: client.get("/api/v1/data/series/claims", params={"start": q[:10]}),
            lambda: client.get("/api/v1/runs", params={"limit": r.randint(-5, 10**6)}),
        ])()
    if resp.status_code >= 500:
        raise Crash(f"api: {resp.status_code} {resp.text[:200]}")
    return "ok" if resp.status_code < 400 else "refused"


def temp_folder() -> Path:
    """A fresh temporary folder for the file-based targets."""
    return Path(tempfile.mkdtemp(prefix="roxham-fuzz-"))


TARGETS: dict[str, Callable[..., str]] = {
    "law": law_target, "scenario": scenario_target, "cli": cli_target, "api": api_target,
}
