"""Compare two ``roxham run`` directories series by series (issue 13: how the law's fixes
moved the outputs). Prints yearly totals of both runs and the change, then ONE JSON line.

    python benchmarks/run_diff.py BEFORE_DIR AFTER_DIR [--series S/G ...]

Each series/geography is summed over the months of a year (``irb_pending``: the year-end
level). The JSON line holds, per series/geography, the totals of both runs over the whole
period and the change in %.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

DEFAULT = [
    "rcmp_interceptions/QC", "rcmp_interceptions/CA", "claims_total/CA", "claims_total/QC",
    "claims_rcmp/CA", "claims_rcmp/QC", "claims_land_poe/CA", "claims_land_poe/QC",
    "claims_inland/CA", "claims_airport/CA", "stca_returns/CA", "directed_back/CA",
    "irb_pending/CA",
]  # fmt: skip


def _yearly(df: pl.DataFrame, series: str, geo: str) -> dict[str, float]:
    d = df.filter((pl.col("series") == series) & (pl.col("geography") == geo))
    d = d.with_columns(pl.col("month").str.slice(0, 4).alias("year")).sort("month")
    agg = pl.col("value").last() if series == "irb_pending" else pl.col("value").sum()
    return {r["year"]: float(r["value"]) for r in d.group_by("year").agg(agg).iter_rows(named=True)}


def main(argv: list[str] | None = None) -> int:
    """Print the comparison and one JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--series", nargs="*", default=DEFAULT)
    a = ap.parse_args(argv)
    try:
        before = pl.read_parquet(a.before / "monthly.parquet")
        after = pl.read_parquet(a.after / "monthly.parquet")
    except (OSError, pl.exceptions.PolarsError) as e:
        print(f"error: cannot read monthly.parquet: {e}", file=sys.stderr)
        return 2
    out: dict[str, dict[str, float]] = {}
    for sg in a.series:
        series, geo = sg.split("/", 1)
        yb, ya = _yearly(before, series, geo), _yearly(after, series, geo)
        print(f"{sg}")
        for y in sorted(set(yb) | set(ya)):
            vb, va = yb.get(y, 0.0), ya.get(y, 0.0)
            pct = 100.0 * (va - vb) / vb if vb else float("nan")
            print(f"  {y}  {vb:12.1f}  {va:12.1f}  {pct:+7.1f} %")
        if series == "irb_pending":
            tb, ta = yb.get(max(yb), 0.0), ya.get(max(ya), 0.0)
        else:
            tb, ta = sum(yb.values()), sum(ya.values())
        out[sg] = {"before": round(tb, 1), "after": round(ta, 1),
                   "change_pct": round(100.0 * (ta - tb) / tb, 2) if tb else None}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
