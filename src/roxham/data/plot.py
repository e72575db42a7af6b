"""Charts of monthly series for publication: title, units, gaps shown, sources printed.

One chart shows one or more (series, geography) lines, month by month, using the preferred
figure of each month (:func:`roxham.data.monthly`). Months without any figure are shaded grey
and never bridged by a line; months whose only figure is a first-reported, press or other
secondary figure (no final agency figure found) are drawn lighter and say so in the legend. Two
policy periods that change the flows are marked when they fall in the window: Canada's COVID-19
turn-back of irregular crossers (the COVID-19 direct-back order, dated by
``roxham.law.COVID_DIRECT_BACK``) and the STCA Additional Protocol (Roxham Road closed); both
periods come from the event drivers, which take their dates from the law. The source line
names the publishers of the plotted figures.

``.png`` is drawn with matplotlib; ``.html`` with Plotly, its JavaScript bundled inline (the file
works offline, no CDN).

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "qc.png"
>>> plot_series([("rcmp_interceptions", "QC")], out, start="2017-01", end="2018-12").name
'qc.png'
>>> out.stat().st_size > 10_000
True
"""

from __future__ import annotations

import os
import textwrap
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import polars as pl
from matplotlib.artist import Artist

from roxham.data.catalog import GEOGRAPHIES
from roxham.data.drivers import EVENT_DRIVERS, _find
from roxham.data.load import events as _events
from roxham.data.query import DateLike, info, monthly, series
from roxham.errors import UserError

__all__ = ["PlotLine", "default_geography", "plot_lines", "plot_series"]

_PathLike = str | os.PathLike[str] | None
_FINAL = ("official", "official_rounded", "later_release")
_COLORS = ("#1f4e79", "#c0504d", "#4f8a3c", "#8064a2", "#e08a1e", "#2c9fa3")
_MARKED = ("canada_turnback", "stca_protocol")


@dataclass(frozen=True)
class PlotLine:
    """One plotted line: what it is and its monthly figures (``monthly()`` columns)."""

    series: str
    geography: str
    label: str
    unit: str
    months: pl.DataFrame


def default_geography(name: str, *, data_dir: _PathLike = None) -> str:
    """The geography plotted when none is asked: the only one, else ``CA``, else an error.

    >>> default_geography("rcmp_interceptions")
    'CA'
    """
    df = series(name, subgroup=None, data_dir=data_dir)
    geos = sorted(set(df.filter(pl.col("period_kind") == "month").get_column("geography")))
    if len(geos) == 1:
        return geos[0]
    if "CA" in geos:
        return "CA"
    if not geos:
        raise UserError(f"series {name!r} has no monthly figures to plot "
                        f"(`roxham data show {name}` lists its figures)")
    raise UserError(f"series {name!r} has several geographies ({', '.join(geos)}); "
                    "pick one with --geo")


def plot_lines(
    pairs: list[tuple[str, str]], start: DateLike = None, end: DateLike = None,
    *, data_dir: _PathLike = None,
) -> list[PlotLine]:
    """The monthly data of each (series, geography) pair, checked (UserError if unusable)."""
    if not pairs:
        raise UserError("nothing to plot: name at least one series")
    lines = []
    same = len({n for n, _ in pairs}) == 1
    for name, geo in pairs:
        m = monthly(name, geo, start, end, data_dir=data_dir)
        if m.height == 0 or m.get_column("missing").all():
            raise UserError(
                f"series {name!r} has no monthly figure for {geo} in the requested range")
        m = _trim(m)
        si = info(name)
        where = GEOGRAPHIES.get(geo, geo)
        label = where if same else f"{si.title}, {where}"
        lines.append(PlotLine(name, geo, label, si.unit, m))
    return lines


def _trim(m: pl.DataFrame) -> pl.DataFrame:
    """Drop leading and trailing missing months (keep inner gaps: they are shown)."""
    have = m.with_row_index("_i").filter(~pl.col("missing")).get_column("_i")
    return m.slice(int(have.min()), int(have.max()) - int(have.min()) + 1)  # type: ignore[arg-type]


def _publishers(lines: list[PlotLine]) -> str:
    c: Counter[str] = Counter()
    for ln in lines:
        for u in ln.months.filter(~pl.col("missing")).get_column("source_url"):
            host = (urlparse(u).hostname or u).removeprefix("www.")
            c[host] += 1
    parts = [f"{h} ({n} mo.)" for h, n in c.most_common(4)]
    if len(c) > 4:
        parts.append(f"{len(c) - 4} other sites ({sum(n for _, n in c.most_common()[4:])} mo.)")
    return ", ".join(parts)


def _grades(lines: list[PlotLine]) -> str:
    """Months plotted per grade (``official 60, weak 3``), best grade first."""
    from roxham.data.grades import GRADES

    c: Counter[str] = Counter()
    for ln in lines:
        c.update(ln.months.filter(~pl.col("missing")).get_column("grade").to_list())
    return ", ".join(f"{g} {c[g]}" for g in GRADES if c[g])


def _titles(lines: list[PlotLine]) -> tuple[str, str, str, str]:
    first = min(ln.months.get_column("month").min() for ln in lines)  # type: ignore[type-var]
    last = max(ln.months.get_column("month").max() for ln in lines)  # type: ignore[type-var]
    assert isinstance(first, date) and isinstance(last, date)
    kinds = list(dict.fromkeys(info(ln.series).title for ln in lines))
    if len(lines) == 1:
        title = f"{kinds[0]}, {GEOGRAPHIES.get(lines[0].geography, lines[0].geography)}"
        sub = (f"Monthly, {first:%b %Y} – {last:%b %Y}. Final agency figure where found; "
               "lighter = press or secondary source; grey = no monthly figure found.")
    else:
        geos = {ln.geography for ln in lines}
        if len(kinds) == 1:
            title = kinds[0] + ", by geography"
        elif len(geos) == 1:
            g = next(iter(geos))
            title = f"{GEOGRAPHIES.get(g, g)}: monthly figures compared"
        else:
            title = "Monthly figures compared"
        sub = (f"Monthly, {first:%b %Y} – {last:%b %Y}. Final agency figure where found; "
               "open circles = press or secondary source; breaks = no monthly figure.")
    infos = [info(ln.series) for ln in lines]
    units = list(dict.fromkeys(i.unit for i in infos))
    ylabel = " / ".join(units) + (" per month" if all(i.flow for i in infos)
                                  else " (end of month)")
    names = " ".join(dict.fromkeys(ln.series for ln in lines))
    src = (f"Sources: {_publishers(lines)}. Grades of the months shown: {_grades(lines)}. "
           f"Every figure's URL: roxham data sources {names}. Chart: Roxham.")
    return title, sub, ylabel, src


def _marked_events(first: date, last: date, data_dir: _PathLike) -> list[tuple[str, date, date]]:
    """(label, start, end-exclusive) of the policy periods to mark inside the window."""
    ev = _events(data_dir=data_dir)
    labels = {"canada_turnback": "Canada turns back irregular crossers (COVID-19)",
              "stca_protocol": "STCA protocol: Roxham Road closed"}
    out = []
    for d in EVENT_DRIVERS:
        if d.name not in _MARKED:
            continue
        s = _find(ev, d.anchors[0], d.name)[0]
        e = _find(ev, d.end, d.name)[0] if d.end is not None else s
        if s <= last and e >= first:  # clipped to the window
            out.append((labels[d.name], max(s, first), min(e, last) if e > s else s))
    return out


def _missing_runs(m: pl.DataFrame) -> list[tuple[date, date]]:
    """Runs of missing months as (first day, first day after)."""
    runs: list[tuple[date, date]] = []
    for d, miss in zip(m.get_column("month"), m.get_column("missing"), strict=True):
        if not miss:
            continue
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        if runs and runs[-1][1] == d:
            runs[-1] = (runs[-1][0], nxt)
        else:
            runs.append((d, nxt))
    return runs


def _png(lines: list[PlotLine], out: Path, data_dir: _PathLike) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    def num(d: date) -> float:
        return float(mdates.date2num(d))

    title, sub, ylabel, src = _titles(lines)
    fig, ax = plt.subplots(figsize=(11, 6), dpi=150)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.86, bottom=0.2 + 0.03 * len(lines))
    extra: list[Artist] = []
    single = len(lines) == 1
    for i, ln in enumerate(lines):
        m = ln.months
        color = _COLORS[i % len(_COLORS)]
        x = [num(d + timedelta(days=14)) for d in m.get_column("month")]
        y = m.get_column("value").to_list()
        final = [v in _FINAL for v in m.get_column("vintage").fill_null("")]
        fx = [xi for xi, f, v in zip(x, final, y, strict=True) if f and v is not None]
        fy = [v for f, v in zip(final, y, strict=True) if f and v is not None]
        px = [xi for xi, f, v in zip(x, final, y, strict=True) if not f and v is not None]
        py = [v for f, v in zip(final, y, strict=True) if not f and v is not None]
        if single:
            ax.bar(fx, fy, width=26, color=color, label="final figure (agency table)")
            if px:
                ax.bar(px, py, width=26, color=color, alpha=0.4, hatch="///", edgecolor=color,
                       label="press or secondary source (final agency figure not found)")
            for a, b in _missing_runs(m):
                ax.axvspan(num(a), num(b), color="#bbbbbb", alpha=0.35, lw=0, zorder=0)
            if _missing_runs(m):
                extra.append(Patch(color="#bbbbbb", alpha=0.35, label="no monthly figure found"))
        else:
            ax.plot(x, [v if v is not None else float("nan") for v in y], color=color,
                    lw=1.8, label=textwrap.shorten(ln.label, 95, placeholder="…"))
            ax.plot(fx, fy, ls="none", marker="o", ms=3, color=color)
            ax.plot(px, py, ls="none", marker="o", ms=4, mfc="white", color=color)
    if not single:
        extra.append(Line2D([], [], ls="none", marker="o", mfc="white", color="#555555",
                            label="press or secondary source; a break = no monthly figure"))
    first = min(ln.months.get_column("month").min() for ln in lines)  # type: ignore[type-var]
    last = max(ln.months.get_column("month").max() for ln in lines)  # type: ignore[type-var]
    assert isinstance(first, date) and isinstance(last, date)
    ymax = ax.get_ylim()[1] * 1.1
    after = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    for label, s, e in _marked_events(first, after, data_dir):
        top = ymax * 0.965
        if e > s:  # a policy period: a bracket along the top, its label centred above it
            ax.plot([num(s), num(s), num(e), num(e)], [top * 0.985, top, top, top * 0.985],
                    color="#7a5a1e", lw=1)
            ax.annotate(label.replace(" (", "\n("), (num(s + (e - s) / 2), top),
                        xytext=(0, -3), textcoords="offset points", fontsize=8.5, va="top",
                        ha="center", color="#7a5a1e")
        else:  # a dated change: a dashed line, label to its right
            ax.axvline(num(s), color="#7a5a1e", ls="--", lw=1)
            ax.annotate(label.replace(": ", ":\n"), (num(s), top), xytext=(4, 0),
                        textcoords="offset points", fontsize=8.5, va="top", ha="left",
                        color="#7a5a1e")
    ax.set_ylim(0, ymax)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.grid(axis="y", color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    h, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*h, *extra], loc="upper center", bbox_to_anchor=(0.5, -0.07),
              ncol=3 if single else 1, frameon=False, fontsize=9)
    fig.text(0.08, 0.955, textwrap.shorten(title, 90, placeholder="…"), fontsize=14,
             weight="bold", ha="left")
    fig.text(0.08, 0.915, sub, fontsize=9.5, color="#444444", ha="left")
    fig.text(0.08, 0.025, "\n".join(textwrap.wrap(src, 160)), fontsize=8, color="#444444",
             ha="left")
    fig.savefig(out)
    plt.close(fig)


def _html(lines: list[PlotLine], out: Path, data_dir: _PathLike) -> None:
    import plotly.graph_objects as go

    title, sub, ylabel, src = _titles(lines)
    fig = go.Figure()
    single = len(lines) == 1
    for i, ln in enumerate(lines):
        m = ln.months
        color = _COLORS[i % len(_COLORS)]
        x = m.get_column("month").to_list()
        y = m.get_column("value").to_list()
        hover = [
            f"{d:%b %Y}: " + (f"{v:,.0f} ({vi}, grade {g})<br>{u}" if v is not None
                              else "no figure found")
            for d, v, vi, g, u in zip(x, y, m.get_column("vintage"), m.get_column("grade"),
                                      m.get_column("source_url"), strict=True)
        ]
        final = [v in _FINAL for v in m.get_column("vintage").fill_null("")]
        if single:
            fig.add_bar(x=x, y=y, name=ln.label, hovertext=hover, hoverinfo="text",
                        marker={"color": [color if f else "rgba(31,78,121,0.4)"
                                          for f in final]})
        else:
            fig.add_scatter(x=x, y=y, name=ln.label, mode="lines+markers", hovertext=hover,
                            hoverinfo="text", line={"color": color}, connectgaps=False)
        for a, b in _missing_runs(m):
            fig.add_vrect(x0=a, x1=b, fillcolor="#bbbbbb", opacity=0.35, line_width=0)
    first = min(ln.months.get_column("month").min() for ln in lines)  # type: ignore[type-var]
    last = max(ln.months.get_column("month").max() for ln in lines)  # type: ignore[type-var]
    assert isinstance(first, date) and isinstance(last, date)
    after = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    for label, s, e in _marked_events(first, after, data_dir):
        if e > s:
            fig.add_vrect(x0=s, x1=e, fillcolor="#f2d7a6", opacity=0.35, line_width=0,
                          annotation_text=label, annotation_position="top left")
        else:
            fig.add_vline(x=s.isoformat(), line_dash="dash", line_color="#7a5a1e")
            fig.add_annotation(x=s.isoformat(), y=1, yref="paper", text=label,
                               showarrow=False, xanchor="right")
    fig.update_layout(
        title={"text": f"<b>{title}</b><br><sup>{sub}</sup>"},
        yaxis_title=ylabel, template="plotly_white", showlegend=not single or None,
        margin={"b": 90},
        annotations=[*fig.layout.annotations, {"text": src, "xref": "paper", "yref": "paper",
                                               "x": 0, "y": -0.16, "showarrow": False,
                                               "xanchor": "left", "font": {"size": 10}}],
    )
    fig.write_html(str(out), include_plotlyjs=True, full_html=True)


def plot_series(
    pairs: list[tuple[str, str]], out: str | os.PathLike[str],
    start: DateLike = None, end: DateLike = None, *, data_dir: _PathLike = None,
) -> Path:
    """Draw (series, geography) pairs month by month into ``out`` (``.png`` or ``.html``)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html"):
        raise UserError(f"output {str(out)!r}: use a .png or .html file name")
    if not path.parent.is_dir():
        raise UserError(f"output {str(out)!r}: directory {str(path.parent)!r} does not exist")
    lines = plot_lines(pairs, start, end, data_dir=data_dir)
    (_png if suffix == ".png" else _html)(lines, path, data_dir)
    return path
