"""Daily driver series for the simulation, from the monthly figures and the dated events.

Method (documented, deterministic, nothing invented):

**Monthly series → daily rate.** For each monthly driver (:data:`MONTHLY_DRIVERS`) the figure of
a calendar month is the one chosen by :func:`roxham.data.monthly` (best vintage: the agency's own
current figure first, then rounded, later-release, first-reported, press). Every day of that
month gets ``figure / days_in_month``: a piecewise-constant daily rate whose sum over the month's
days equals the published monthly figure exactly.

**Missing months are marked, never silently interpolated.** ``<driver>_missing`` is true on every
day of a month that has no monthly figure. With ``fill="none"`` (default) the value there is
null. With ``fill="annual"``, when the same series has a published *calendar-year* total for
that geography, the part of the annual total not covered by the year's known months is spread
evenly over the days of its missing months, and ``<driver>_imputed`` is true on those days (a
crude, documented even spread: it ignores seasonality and policy changes such as the 2020–2021
turn-back; months of a year without an annual total stay null). ``<driver>_imputed`` is always
false where a monthly figure exists.

**Dated events → steps and pulses** (:data:`EVENT_DRIVERS`). A *step* is 1.0 from the day its
start event takes effect up to (excluding) the day its end event takes effect, else 0.0; a
*pulse* is 1.0 on the event's day(s), else 0.0. Each is anchored to a row of ``events.csv``
(matched by date and a phrase of its text), so every step keeps its source; a missing anchor is
a :class:`~roxham.errors.UserError`.

>>> d = daily_drivers("2017-08-01", "2017-08-31")
>>> round(d.get_column("rcmp_qc").sum())  # RCMP interceptions in Quebec, August 2017 (IRCC)
5530
>>> d.get_column("mexico_visa_exempt").unique().to_list()
[1.0]
"""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import polars as pl

from roxham import law
from roxham.data.load import events as _events
from roxham.data.query import DateLike, monthly, parse_bound, series
from roxham.errors import UserError

__all__ = ["EVENT_DRIVERS", "MONTHLY_DRIVERS", "EventDriver", "MonthlyDriver", "daily_drivers",
           "drivers_info"]


@dataclass(frozen=True)
class MonthlyDriver:
    """A daily rate derived from a monthly series of one geography."""

    name: str
    series: str
    geography: str
    description: str


@dataclass(frozen=True)
class Anchor:
    """A row of events.csv: its date, a phrase of its text, and a shift in days.

    The event takes effect on ``date + shift`` (e.g. ``shift=1`` for "lifted at 11:59pm").
    """

    date: date
    phrase: str
    shift: int = 0


@dataclass(frozen=True)
class EventDriver:
    """A step (on from ``start`` until ``end``) or a pulse (1.0 on each anchor's day)."""

    name: str
    kind: Literal["step", "pulse"]
    anchors: tuple[Anchor, ...]
    description: str
    end: Anchor | None = None
    end_note: str = ""


#: Monthly series turned into daily rates (figures per day).
MONTHLY_DRIVERS: tuple[MonthlyDriver, ...] = (
    MonthlyDriver("rcmp_qc", "rcmp_interceptions", "QC",
                  "RCMP interceptions between ports of entry in Quebec (Roxham Road), per day"),
    MonthlyDriver("rcmp_ca", "rcmp_interceptions", "CA",
                  "RCMP interceptions between ports of entry, all Canada, per day"),
    MonthlyDriver("usbp_sw", "usbp_encounters", "US-SW",
                  "US Border Patrol apprehensions/encounters at the southwest border, per day"),
    MonthlyDriver("cbp_sw", "cbp_encounters", "US-SW",
                  "CBP southwest border encounters (USBP + OFO), per day"),
    MonthlyDriver("usbp_swanton", "usbp_encounters", "US-SWANTON",
                  "US Border Patrol apprehensions in the Swanton sector (VT/NY/NH), per day"),
)

_PROTOCOL_DAY = law.law_date("D_PROTOCOL")
assert _PROTOCOL_DAY is not None  # the law as enacted has the Protocol

#: Dated events as steps and pulses, each anchored to a sourced row of events.csv.
EVENT_DRIVERS: tuple[EventDriver, ...] = (
    EventDriver(
        "mexico_visa_exempt", "step",
        (Anchor(date(2016, 12, 1), "lifts visitor-visa requirement for Mexican"),),
        "Canada does not require a visitor visa of Mexican citizens",
        end=Anchor(date(2024, 2, 29), "reimposes visa requirement on Mexican", shift=1),
    ),
    EventDriver(
        "title42", "step",
        (Anchor(date(2020, 3, 20), "Title 42 order issued", shift=1),),
        "US Title 42 expulsions in force (first returns the day after the order)",
        end=Anchor(date(2023, 5, 11), "Title 42 order lifted at 11:59pm", shift=1),
    ),
    EventDriver(
        "canada_turnback", "step",
        (Anchor(law.COVID_DIRECT_BACK.start, "directed back to US"),),
        "Canada directs irregular (between-port) asylum crossers back to the US (COVID-19)",
        end=Anchor(law.COVID_DIRECT_BACK.end, "Canada ends pandemic turn-back"),
    ),
    EventDriver(
        "cbp_one", "step",
        (Anchor(date(2023, 1, 12), "CBP One appointment-scheduling function goes live"),),
        "CBP One appointments available at southwest ports of entry",
    ),
    EventDriver(
        "nyc_reticketing", "step",
        (Anchor(date(2023, 2, 6), "re-ticketing"),),
        "New York City re-ticketing (bus tickets incl. to Plattsburgh NY) confirmed",
    ),
    EventDriver(
        "stca_protocol", "step",
        (Anchor(_PROTOCOL_DAY, "Additional Protocol in force"),),
        "STCA Additional Protocol in force: the STCA applies between ports of entry (Roxham shut)",
    ),
    EventDriver(
        "lawful_pathways_rule", "step",
        (Anchor(date(2023, 5, 11), "Circumvention of Lawful Pathways rule takes effect"),),
        "US Circumvention of Lawful Pathways rule (applies to entries 2023-05-11 to 2025-05-11)",
        end=Anchor(date(2025, 5, 12), ""),
        end_note="end date from the same event's text ('applies to entries 2023-05-11 to "
        "2025-05-11')",
    ),
    EventDriver(
        "us_proclamation_2024", "step",
        (Anchor(date(2024, 6, 5), "Proclamation suspension and DHS-DOJ asylum interim final"),),
        "US 'Securing the Border' proclamation and asylum rule in effect (2024-06-05 12:01am)",
    ),
    EventDriver(
        "us_travel_ban", "pulse",
        (Anchor(date(2017, 1, 27), "Executive Order 13769"),),
        "US Executive Order 13769 ('travel ban') signed",
    ),
    EventDriver(
        "haiti_tps_news", "pulse",
        (Anchor(date(2017, 5, 22), "extends Haiti TPS only six months"),
         Anchor(date(2017, 11, 20), "termination of Haiti TPS")),
        "US Haiti TPS announcements: six-month-only extension; termination",
    ),
    EventDriver(
        "nyc_emergency", "pulse",
        (Anchor(date(2022, 10, 7), "state of emergency"),),
        "NYC declares an asylum-seeker state of emergency",
    ),
    EventDriver(
        "border_death_news", "pulse",
        (Anchor(date(2022, 1, 19), "Patel family"),
         Anchor(date(2023, 1, 4), "Body of Fritznel Richard found"),
         Anchor(date(2023, 3, 30), "Akwesasne")),
        "Deaths at the Canada–US border reported (Patel family, Fritznel Richard, Akwesasne)",
    ),
)

_PathLike = str | os.PathLike[str] | None


def _find(ev: pl.DataFrame, a: Anchor, driver: str) -> tuple[date, str]:
    """Effective day and source URL of an anchor; UserError if events.csv lacks it."""
    if not a.phrase:
        return a.date, ""
    hit = ev.filter((pl.col("date") == a.date) & pl.col("event").str.contains(a.phrase,
                                                                                literal=True))
    if hit.height == 0:
        raise UserError(
            f"driver {driver!r}: no event on {a.date.isoformat()} mentioning {a.phrase!r} in "
            "events.csv (the bundled data changed?)"
        )
    return a.date + timedelta(days=a.shift), str(hit.get_column("source_url")[0])


def drivers_info(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """One row per driver: name, kind (monthly/step/pulse), description, where it comes from.

    ``days`` is the effect day(s) of an event driver as ``start..end`` (step; end exclusive,
    empty if still in force) or a comma-separated list (pulse); ``source`` is the series and
    geography of a monthly driver or the source URL(s) of its events.

    >>> info = drivers_info()
    >>> days = info.filter(pl.col("name") == "stca_protocol").get_column("days")[0]
    >>> days == f"{law.law_date('D_PROTOCOL')}.."
    True
    """
    ev = _events(data_dir=data_dir)
    rows = [
        {"name": m.name, "kind": "monthly", "description": m.description, "days": "",
         "source": f"series {m.series}, geography {m.geography} (see sources())"}
        for m in MONTHLY_DRIVERS
    ]
    for d in EVENT_DRIVERS:
        found = [_find(ev, a, d.name) for a in d.anchors]
        urls = [u for _, u in found]
        if d.kind == "step":
            end = ""
            if d.end is not None:
                end_day, end_url = _find(ev, d.end, d.name)
                end = end_day.isoformat()
                urls.append(end_url or d.end_note)
            days = f"{found[0][0].isoformat()}..{end}"
        else:
            days = ", ".join(day.isoformat() for day, _ in found)
        rows.append({"name": d.name, "kind": d.kind, "description": d.description,
                     "days": days, "source": " | ".join(urls)})
    return pl.DataFrame(rows)


def _annual_totals(name: str, geo: str, data_dir: _PathLike) -> dict[int, float]:
    """Best-vintage calendar-year total of a series per year (count figures, subgroup all)."""
    from roxham.data.catalog import VINTAGES

    rank = {v: i for i, v in enumerate(VINTAGES)}
    df = series(name, geo, kind="year", data_dir=data_dir).filter(pl.col("unit") == "count")
    best: dict[int, tuple[int, float]] = {}
    for row in df.iter_rows(named=True):
        y, r = row["start"].year, rank.get(row["vintage"], len(rank))
        if y not in best or r < best[y][0]:
            best[y] = (r, float(row["value"]))
    return {y: v for y, (_, v) in best.items()}


def _monthly_daily(
    m: MonthlyDriver, days: pl.DataFrame, s: date, e: date, fill: str, data_dir: _PathLike
) -> pl.DataFrame:
    first, last = date(s.year, s.month, 1), date(e.year, e.month, 1)
    mon = monthly(m.series, m.geography, first, date(e.year, e.month,
                  calendar.monthrange(e.year, e.month)[1]), data_dir=data_dir)
    ndays = mon.get_column("month").map_elements(
        lambda d: calendar.monthrange(d.year, d.month)[1], return_dtype=pl.Int64
    )
    mon = mon.with_columns(ndays.alias("_nd"), pl.lit(False).alias("_imp"))
    rate = (pl.col("value") / pl.col("_nd")).alias("_rate")
    mon = mon.with_columns(rate)
    if fill == "annual":
        annual = _annual_totals(m.series, m.geography, data_dir)
        # The whole calendar year is needed to know which months are covered.
        years = sorted({d.year for d in mon.get_column("month")})
        full = monthly(m.series, m.geography, date(years[0], 1, 1), date(years[-1], 12, 31),
                       data_dir=data_dir)
        fill_rate: dict[int, float] = {}
        for y in years:
            if y not in annual:
                continue
            yr = full.filter(pl.col("month").dt.year() == y)
            miss = yr.filter(pl.col("missing")).get_column("month").to_list()
            if not miss:
                continue
            known = float(yr.get_column("value").fill_null(0.0).sum())
            miss_days = sum(calendar.monthrange(d.year, d.month)[1] for d in miss)
            fill_rate[y] = max(annual[y] - known, 0.0) / miss_days
        mon = mon.with_columns(
            pl.col("month").dt.year().replace_strict(fill_rate, default=None,
                                                     return_dtype=pl.Float64).alias("_fill")
        ).with_columns(
            (pl.col("missing") & pl.col("_fill").is_not_null()).alias("_imp"),
            pl.when(pl.col("missing")).then(pl.col("_fill")).otherwise(pl.col("_rate"))
            .alias("_rate"),
        )
    assert first <= last
    per_month = mon.select(
        pl.col("month"),
        pl.col("_rate").alias(m.name),
        pl.col("missing").alias(f"{m.name}_missing"),
        pl.col("_imp").alias(f"{m.name}_imputed"),
    )
    return (
        days.with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
        .join(per_month, on="month", how="left")
        .drop("month", "date")
    )


def daily_drivers(
    start: DateLike,
    end: DateLike,
    *,
    fill: Literal["none", "annual"] = "none",
    data_dir: _PathLike = None,
) -> pl.DataFrame:
    """Daily driver series from ``start`` to ``end`` inclusive (method: module docstring).

    Columns: ``date`` (Date); for each monthly driver ``<name>`` (Float64, figures per day;
    null in a missing month unless filled), ``<name>_missing`` and ``<name>_imputed``
    (Boolean); for each event driver ``<name>`` (Float64, 0.0 or 1.0). :func:`drivers_info`
    describes every column and its source. ``start``/``end`` are dates or ``YYYY-MM[-DD]``
    text (``"2017-01"`` as an end means 2017-01-31).

    >>> start = law.COVID_DIRECT_BACK.start  # Title 42's first returns fell on the same day
    >>> d = daily_drivers(start - timedelta(days=2), start + timedelta(days=1))
    >>> d.select("title42", "canada_turnback").rows()[1:3]
    [(0.0, 0.0), (1.0, 1.0)]
    >>> m = daily_drivers("2021-06-01", "2021-06-30", fill="annual")  # (4095-96-832) * 30 / 304
    >>> bool(m.get_column("rcmp_qc_imputed").all()), round(m.get_column("rcmp_qc").sum())
    (True, 313)
    """
    if fill not in ("none", "annual"):
        raise UserError(f"unknown fill {fill!r}; use 'none' or 'annual'")
    s = parse_bound(start, end=False, what="start")
    e = parse_bound(end, end=True, what="end")
    if s is None or e is None:
        raise UserError("daily_drivers needs both a start and an end date")
    if s > e:
        raise UserError(f"start {s.isoformat()} is after end {e.isoformat()}")
    days = pl.date_range(s, e, "1d", eager=True).alias("date").to_frame()
    cols = [days]
    for m in MONTHLY_DRIVERS:
        cols.append(_monthly_daily(m, days, s, e, fill, data_dir))
    ev = _events(data_dir=data_dir)
    d = pl.col("date")
    exprs = []
    for drv in EVENT_DRIVERS:
        on = [_find(ev, a, drv.name)[0] for a in drv.anchors]
        if drv.kind == "step":
            cond = d >= on[0]
            if drv.end is not None:
                cond = cond & (d < _find(ev, drv.end, drv.name)[0])
        else:
            cond = d.is_in(on)
        exprs.append(cond.cast(pl.Float64).alias(drv.name))
    out = pl.concat(cols, how="horizontal").with_columns(exprs)
    return out
