"""The summary on top of ``report.html``: its figures recomputed from the run's own
``monthly.parquet`` (plain Python over the rows, not the report's code), the scenario table
and the compare-view links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl


class _Figures(HTMLParser):
    """Text of each element carrying ``data-figure`` inside ``<p id="summary">``."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.summary_text = ""
        self._in_summary = 0
        self._key: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id") == "summary":
            self._in_summary = 1
        elif self._in_summary and tag == "p":
            self._in_summary += 1
        if self._in_summary and a.get("data-figure"):
            self._key = a["data-figure"]
            self.figures[self._key] = ""
        if tag == "a" and "compare-link" in (a.get("class") or ""):
            self.links.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "b"):
            self._key = None
        if tag == "p" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data: str) -> None:
        if self._in_summary:
            self.summary_text += data
        if self._key:
            self.figures[self._key] += data


def _num(s: str) -> float:
    return float(s.replace(",", "").replace("%", "").strip())


def _rows(m: pl.DataFrame, series: str, geo: str) -> list[dict[str, Any]]:
    return [r for r in m.iter_rows(named=True) if r["series"] == series and r["geography"] == geo]


def test_summary_figures_match_monthly_parquet(
    historical_run: tuple[Path, dict[str, Any]],
) -> None:
    run_dir, _ = historical_run
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    p = _Figures()
    p.feed(page)
    f = p.figures
    m = pl.read_parquet(run_dir / "monthly.parquet")
    ca, qc = _rows(m, "rcmp_interceptions", "CA"), _rows(m, "rcmp_interceptions", "QC")
    assert _num(f["interceptions_ca_total"]) == round(sum(r["value"] for r in ca))
    assert _num(f["interceptions_qc_total"]) == round(sum(r["value"] for r in qc))
    peak = max(qc, key=lambda r: r["value"])
    assert f["qc_peak_month"] == peak["month"]
    assert _num(f["qc_peak"]) == round(peak["value"])
    assert _num(f["qc_peak_p05"]) == round(peak["p05"])
    assert _num(f["qc_peak_p95"]) == round(peak["p95"])
    tot = _rows(m, "claims_total", "CA")
    assert _num(f["claims_total"]) == round(sum(r["value"] for r in tot))

    def window(lo: str, hi: str, col: str) -> float:
        vals = [r[col] for r in qc if lo <= r["month"] <= hi]
        return sum(vals) / len(vals)

    b = {c: window("2022-04", "2023-02", c) for c in ("value", "p05", "p95")}
    a = {c: window("2023-05", "2024-12", c) for c in ("value", "p05", "p95")}
    for key, d in (("before", b), ("after", a)):
        assert _num(f[f"qc_{key}"]) == round(d["value"])
        assert _num(f[f"qc_{key}_p05"]) == round(d["p05"])
        assert _num(f[f"qc_{key}_p95"]) == round(d["p95"])
    assert abs(_num(f["qc_drop"]) - 100 * (1 - a["value"] / b["value"])) < 0.051
    assert abs(_num(f["qc_drop_lo"]) - 100 * (1 - a["p95"] / b["p05"])) < 0.051
    assert abs(_num(f["qc_drop_hi"]) - 100 * (1 - a["p05"] / b["p95"])) < 0.051
    # the bands' bounds bracket the central fall; the Protocol's fall is large (IRCC: ~98 %)
    assert _num(f["qc_drop_lo"]) <= _num(f["qc_drop"]) <= _num(f["qc_drop_hi"])
    assert _num(f["qc_drop"]) > 85
    pend = _rows(m, "irb_pending", "CA")
    assert _num(f["irb_end"]) == round(max(pend, key=lambda r: r["month"])["value"])
    # observed figures are linked to their official source; simulated ones are graded
    summary = page[page.index('id="summary"'):page.index("</p>", page.index('id="summary"'))]
    assert 'class="grade official" href="https://www.canada.ca' in summary
    assert summary.count(">[sim.]</span>") >= 4 and "(A)" in summary


def test_scenario_table_links_the_compare_views(
    historical_run: tuple[Path, dict[str, Any]],
) -> None:
    run_dir, man = historical_run
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    p = _Figures()
    p.feed(page)
    scenarios = {x.stem for x in (Path(__file__).parents[3] / "src" / "roxham" / "models"
                                  / "canada_us" / "scenarios").glob("*.yaml")}
    assert set(p.links) == {f"compare-{s}.html" for s in scenarios - {"historical"}}
    # the descriptions come from the run's manifest (the report imports no model)
    assert set(man["scenario_descriptions"]) == scenarios
    table = page[page.index("id='scenario-table'"):]
    table = table[:table.index("</table>")]
    assert "The Additional Protocol (2023-03-25) never happens" in table
    # the command pairs replicates with this run: same seed and replicate count
    cmds = re.findall(r"<code>(roxham compare [^<]+)</code>", table)
    assert f"roxham compare . no-protocol --seed {man['seed']} -r {man['replicates']} " \
           "-o compare-no-protocol.html" in cmds
