"""Readers for Flee 3.1's input files (docs/flee/FORMAT.md), with errors naming file and line.

A Flee scenario is an *input directory* (``locations.csv``, ``routes.csv``, ``closures.csv``,
``conflicts.csv``, ``sim_period.csv`` (or the 3.1-era ``conflict_period.csv``),
``registration_corrections.csv``) and a *validation directory* (``data_layout.csv`` and one CSV
per camp plus the total). Everything is read with :mod:`csv` (comma separated, ``"`` quoting).

Differences from Flee's own parser, on purpose:

* An unknown ``location_type`` is an error here (Flee prints a message and keeps a location with
  move chance 1.0 and no type).
* A route or closure naming an unknown location is an error naming file and line.
* ``registration_corrections.csv`` may have a ``#`` header (Flee would crash on it).
* Validation counts with decimals are accepted when they are whole numbers (``12.0``).

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "locations.csv").write_text("#name,region,country,lat,lon,type,cdate,pop\\n"
...                                     "A,r,X,0,0,conflict_zone,0,100\\nB,r,Y,0,1,camp,,50\\n")
>>> _ = (d / "routes.csv").write_text("#a,b,km,fr\\nA,B,10,0\\n")
>>> _ = (d / "closures.csv").write_text("#t,a,b,s,e\\n")
>>> _ = (d / "conflicts.csv").write_text("#Day,A\\n0,1\\n1,1\\n")
>>> _ = (d / "sim_period.csv").write_text("StartDate,2020-01-01\\nLength,2\\n")
>>> _ = (d / "registration_corrections.csv").write_text("")
>>> inp = read_input_dir(d)
>>> [loc.name for loc in inp.locations], inp.length, inp.routes[0].km
(['A', 'B'], 2, 10.0)
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError

__all__ = [
    "LOCATION_TYPES",
    "Closure",
    "FleeInput",
    "Location",
    "Route",
    "Validation",
    "read_input_dir",
    "read_validation_dir",
]

#: Canonical location types (Flee's substring rules map any ``location_type`` onto one of them).
LOCATION_TYPES = ("conflict", "town", "camp", "idpcamp", "forward", "marker")

CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")


@dataclass(frozen=True)
class Location:
    """One row of locations.csv.

    ``population`` is the capacity for camps (≤ 0 = unlimited) and the population otherwise.
    ``conflict_at_start`` is only meaningful for ``type == "conflict"``: ``conflict_date == 0``.
    """

    name: str
    region: str
    country: str
    lat: float
    lon: float
    type: str
    conflict_at_start: bool
    population: int
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Route:
    """One row of routes.csv (an undirected link: Flee makes both directions)."""

    a: str
    b: str
    km: float
    forced_redirection: int = 0
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Closure:
    """One row of closures.csv; fires when ``t == start`` (close) and ``t == end`` (reopen)."""

    kind: str
    name1: str
    name2: str
    start: int
    end: int
    line: int = 0


@dataclass(frozen=True)
class FleeInput:
    """A parsed Flee input directory."""

    path: Path
    locations: list[Location]
    routes: list[Route]
    closures: list[Closure]
    conflict_names: list[str]
    #: ``float64[rows, len(conflict_names)]``: row ``t`` is day ``t`` (row order, not "Day")
    conflicts: npt.NDArray[np.float64]
    start_date: dt.date
    length: int
    #: (camp name, date) pairs
    registration_corrections: list[tuple[str, dt.date]]
    #: things Flee tolerates that Roxham reports (e.g. a conflicts.csv column that is no location)
    warnings: list[str] = field(default_factory=list)

    @property
    def home_country(self) -> str:
        """The country of the first location row; others are "foreign"."""
        return self.locations[0].country


@dataclass(frozen=True)
class Validation:
    """A parsed validation directory: the total and one step series per layout row.

    ``series[name] = (days, values)``: day offsets from the start date (sorted) and counts
    (already merged over the row's files and registration-corrected when read through
    :func:`read_validation_dir` with corrections).
    """

    path: Path
    total_name: str
    names: list[str]
    series: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]

    def value(self, name: str, day: int) -> int:
        """Flee's ``get_field``: linear interpolation, flat outside the data, truncated to int.

        >>> v = Validation(Path("."), "total", ["total"],
        ...                {"total": (np.array([0, 4]), np.array([0.0, 400.0]))})
        >>> [v.value("total", d) for d in (-1, 0, 1, 3, 4, 9)]
        [0, 0, 100, 300, 400, 400]
        """
        return int(self.values(name, np.array([day]))[0])

    def values(self, name: str, days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """:meth:`value` for many days at once."""
        d, v = self.series[name]
        return interp_trunc(d, v, days)


def interp_trunc(
    d: npt.NDArray[np.int64], v: npt.NDArray[np.float64], days: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Linear interpolation between data points, constant outside, truncated toward zero
    (Flee's ``get_interpolated_data``; repeated dates are allowed)."""
    days = np.asarray(days, dtype=np.int64)
    i = np.searchsorted(d, days, side="right")  # first point strictly after the day
    out = np.empty(len(days), dtype=np.float64)
    before = i == 0
    after = i >= len(d)
    mid = ~(before | after)
    out[before] = v[0]
    out[after] = v[-1]
    im = i[mid]
    d0, d1 = d[im - 1].astype(np.float64), d[im].astype(np.float64)
    frac = (days[mid] - d0) / (d1 - d0)
    out[mid] = v[im - 1] + frac * (v[im] - v[im - 1])
    return np.trunc(out).astype(np.int64)


# ---------------------------------------------------------------------------- helpers
def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, cells) of every row; missing file → UserError."""
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise UserError(f"{path}: malformed CSV ({e})") from None


def _is_blank(row: list[str]) -> bool:
    return all(not c.strip() for c in row)


def _int(path: Path, line: int, what: str, text: str, default: int | None = None) -> int:
    t = text.strip()
    if not t and default is not None:
        return default
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            raise UserError(f"{path}:{line}: {what} must be an integer, got {t!r}") from None
        if not f.is_integer():
            raise UserError(f"{path}:{line}: {what} must be an integer, got {t!r}") from None
        return int(f)


def _float(path: Path, line: int, what: str, text: str, default: float | None = None) -> float:
    t = text.strip()
    if not t and default is not None:
        return default
    try:
        v = float(t)
    except ValueError:
        raise UserError(f"{path}:{line}: {what} must be a number, got {t!r}") from None
    if not np.isfinite(v):
        raise UserError(f"{path}:{line}: {what} must be finite, got {t!r}")
    return v


def _date(path: Path, line: int, what: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{path}:{line}: {what} must be a date YYYY-MM-DD, got {text!r}") from None


def location_type(raw: str) -> str | None:
    """Flee's substring rule (case-insensitive, first hit wins); None if no rule matches.

    >>> [location_type(s) for s in ("conflict_zone", "camp", "IDPcamp", "forwarding_hub", "x")]
    ['conflict', 'camp', 'idpcamp', 'forward', None]
    """
    s = raw.strip().lower()
    if "camp" in s:
        return "idpcamp" if "idp" in s else "camp"
    if "conflict" in s:
        return "conflict"
    if "forward" in s:
        return "forward"
    if "marker" in s:
        return "marker"
    if "town" in s or "default" in s:
        return "town"
    return None


# ---------------------------------------------------------------------------- input dir
def read_locations(path: Path) -> list[Location]:
    """locations.csv: 8 positional columns, then custom attributes named by a ``#`` header."""
    locs: list[Location] = []
    seen: dict[str, int] = {}
    attr_names: list[str] = []
    for line, row in _rows(path):
        if not row or _is_blank(row):
            continue
        if row[0].startswith("#"):
            if len(row) > 8:
                attr_names = [c.strip() for c in row[8:]]
            continue
        if len(row) < 8:
            raise UserError(
                f"{path}:{line}: expected at least 8 columns "
                "(name,region,country,latitude,longitude,location_type,conflict_date,population),"
                f" got {len(row)}"
            )
        name = row[0]
        if not name.strip():
            raise UserError(f"{path}:{line}: empty location name")
        if name in seen:
            raise UserError(
                f"{path}:{line}: location {name!r} already defined on line {seen[name]}"
            )
        ltype = location_type(row[5])
        if ltype is None:
            raise UserError(
                f"{path}:{line}: unknown location_type {row[5]!r} (expected one containing "
                "camp, conflict, forward, marker, town or default)"
            )
        conflict_at_start = False
        if ltype == "conflict":
            cdate = _int(path, line, "conflict_date", row[6], default=0)
            conflict_at_start = cdate <= 0
        pop = _int(path, line, "population", row[7], default=0)
        attrs = {}
        for k, v in zip(attr_names, row[8:], strict=False):
            attrs[k] = v
        seen[name] = line
        locs.append(
            Location(
                name=name,
                region=row[1].strip() or "unknown",
                country=row[2].strip() or "unknown",
                lat=_float(path, line, "latitude", row[3], default=0.0),
                lon=_float(path, line, "longitude", row[4], default=0.0),
                type=ltype,
                conflict_at_start=conflict_at_start,
                population=pop,
                attributes=attrs,
                line=line,
            )
        )
    if not locs:
        raise UserError(f"{path}: no locations")
    return locs


def read_routes(path: Path, names: set[str]) -> list[Route]:
    """routes.csv: ``name1,name2,distance[,forced_redirection[,attributes...]]``."""
    routes: list[Route] = []
    attr_names: list[str] = []
    for line, row in _rows(path):
        if not row or _is_blank(row):
            continue
        if row[0].startswith("#"):
            if len(row) > 4:
                attr_names = [c.strip() for c in row[4:]]
            continue
        if len(row) < 3:
            raise UserError(
                f"{path}:{line}: expected name1,name2,distance; got {len(row)} column(s)"
            )
        a, b = row[0], row[1]
        for n in (a, b):
            if n not in names:
                raise UserError(f"{path}:{line}: unknown location {n!r} (not in locations.csv)")
        if a == b:
            raise UserError(f"{path}:{line}: route from {a!r} to itself")
        km = _float(path, line, "distance", row[2])
        if km < 0:
            raise UserError(f"{path}:{line}: distance must be >= 0, got {km}")
        fr = _int(path, line, "forced_redirection", row[3], default=0) if len(row) > 3 else 0
        if fr not in (0, 1, 2):
            raise UserError(f"{path}:{line}: forced_redirection must be 0, 1 or 2, got {fr}")
        attrs = {k: v for k, v in zip(attr_names, row[4:], strict=False) if v.strip()}
        for k in ("max_move_speed", "walk_probability"):
            if k in attrs:
                _float(path, line, k, attrs[k])
        routes.append(Route(a, b, km, fr, attrs, line))
    return routes


def read_closures(path: Path, names: set[str], countries: set[str]) -> list[Closure]:
    """closures.csv: ``closure_type,name1,name2,closure_start,closure_end``."""
    out: list[Closure] = []
    for line, row in _rows(path):
        if not row or _is_blank(row) or row[0].startswith("#"):
            continue
        if len(row) < 5:
            raise UserError(
                f"{path}:{line}: expected closure_type,name1,name2,closure_start,closure_end"
            )
        kind = row[0].strip()
        if kind not in CLOSURE_TYPES:
            raise UserError(
                f"{path}:{line}: unknown closure type {kind!r} "
                f"(expected one of: {', '.join(CLOSURE_TYPES)})"
            )
        n1, n2 = row[1].strip(), row[2].strip()
        if kind == "country":
            for n in (n1, n2):
                if n not in countries:
                    raise UserError(f"{path}:{line}: unknown country {n!r} (not in locations.csv)")
        elif kind in ("location", "camp", "idpcamp"):
            if n1 not in names:
                raise UserError(f"{path}:{line}: unknown location {n1!r} (not in locations.csv)")
        else:
            for n in (n1, n2):
                if n not in names:
                    raise UserError(f"{path}:{line}: unknown location {n!r} (not in locations.csv)")
        start = _int(path, line, "closure_start", row[3])
        end = _int(path, line, "closure_end", row[4])
        out.append(Closure(kind, n1, n2, start, end, line))
    return out


def read_conflicts(
    path: Path, names: set[str], warnings: list[str] | None = None
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """conflicts.csv: ``#Day,<loc>,...`` header, then one row per day (row order is time).

    A header name that is not a location is dropped with a warning (Flee prints an error and
    ignores it; the shipped burundi scenario has one such column).
    """
    header: list[str] | None = None
    cols: list[int] = []
    rows: list[list[float]] = []
    for line, row in _rows(path):
        if not row or _is_blank(row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            cols = [i for i in range(1, len(header)) if header[i]]
            for i in cols:
                if header[i] not in names and warnings is not None:
                    warnings.append(
                        f"{path}:{line}: column {header[i]!r} is not a location; ignored"
                    )
            continue
        if row[0].strip().startswith("#"):
            continue
        need = (max(cols) + 1) if cols else 1
        if len(row) < need:
            raise UserError(f"{path}:{line}: expected {need} columns, got {len(row)}")
        rows.append([_float(path, line, f"intensity of {header[i]!r}", row[i]) for i in cols])
    if header is None:
        raise UserError(f"{path}: empty file (expected a '#Day,<location>,...' header)")
    names_out = [header[i] for i in cols]
    if len(set(names_out)) != len(names_out):
        raise UserError(f"{path}:1: a location appears twice in the header")
    arr = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(cols))
    keep = [j for j, n in enumerate(names_out) if n in names]
    return [names_out[j] for j in keep], arr[:, keep]


def read_period(path: Path) -> tuple[dt.date, int]:
    """sim_period.csv: ``StartDate,YYYY-MM-DD`` and ``Length,N`` (keys case-insensitive)."""
    start: dt.date | None = None
    length: int | None = None
    for line, row in _rows(path):
        if not row or _is_blank(row) or row[0].startswith("#"):
            continue
        if len(row) < 2:
            raise UserError(f"{path}:{line}: expected 'key,value'")
        key = row[0].strip().lower()
        if key == "startdate":
            start = _date(path, line, "StartDate", row[1])
        elif key == "length":
            length = _int(path, line, "Length", row[1])
            if length < 1:
                raise UserError(f"{path}:{line}: Length must be >= 1, got {length}")
        else:
            raise UserError(f"{path}:{line}: unknown key {row[0]!r} (expected StartDate or Length)")
    if start is None or length is None:
        raise UserError(f"{path}: needs both StartDate and Length")
    return start, length


def read_corrections(path: Path) -> list[tuple[str, dt.date]]:
    """registration_corrections.csv: ``camp,date[,anything]`` per row; a missing file = none."""
    if not path.exists():
        return []
    out: list[tuple[str, dt.date]] = []
    for line, row in _rows(path):
        if not row or _is_blank(row) or row[0].startswith("#"):
            continue
        if len(row) < 2:
            raise UserError(f"{path}:{line}: expected camp,date")
        out.append((row[0], _date(path, line, "date", row[1])))
    return out


def read_input_dir(path: str | Path) -> FleeInput:
    """Read a Flee input directory (see the module docstring)."""
    p = Path(path)
    if not p.is_dir():
        raise UserError(f"{p}: not a directory (expected a Flee input directory)")
    locs = read_locations(p / "locations.csv")
    names = {loc.name for loc in locs}
    countries = {loc.country for loc in locs}
    routes = read_routes(p / "routes.csv", names)
    closures_path = p / "closures.csv"
    closures = read_closures(closures_path, names, countries) if closures_path.exists() else []
    period = p / "sim_period.csv"
    if not period.exists() and (p / "conflict_period.csv").exists():
        period = p / "conflict_period.csv"
    start, length = read_period(period)
    cpath = p / "conflicts.csv"
    warnings: list[str] = []
    cnames, conf = read_conflicts(cpath, names, warnings)
    if conf.shape[0] < length:
        raise UserError(
            f"{cpath}: {conf.shape[0]} day rows but sim_period Length is {length} "
            "(conflicts.csv needs one row per simulated day)"
        )
    corr = read_corrections(p / "registration_corrections.csv")
    return FleeInput(
        path=p,
        locations=locs,
        routes=routes,
        closures=closures,
        conflict_names=cnames,
        conflicts=conf,
        start_date=start,
        length=length,
        registration_corrections=corr,
        warnings=warnings,
    )


# ---------------------------------------------------------------------------- validation dir
def read_series(
    path: Path, start: dt.date
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """One validation CSV: ``date,count`` rows → (day offsets, counts), sorted by date.

    The first row is skipped if its first cell is ``Date``/``DateTime``/empty; ``#`` rows,
    rows with < 2 cells and rows with an empty count are skipped (as Flee does).
    """
    days: list[int] = []
    vals: list[float] = []
    first = True
    for line, row in _rows(path):
        if first:
            first = False
            if not row or row[0].strip() in ("", "Date", "DateTime"):
                continue
        if not row or row[0].startswith("#") or len(row) < 2 or not row[1].strip():
            continue
        d = _date(path, line, "date", row[0])
        v = _int(path, line, "count", row[1])
        days.append((d - start).days)
        vals.append(float(v))
    if not days:
        raise UserError(f"{path}: no data rows (expected 'YYYY-MM-DD,count')")
    order = np.argsort(np.asarray(days), kind="stable")
    return np.asarray(days, dtype=np.int64)[order], np.asarray(vals, dtype=np.float64)[order]


def _add_series(
    a: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
    b: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Merge a second file into a layout row's series exactly as Flee 3.1 does
    (``DataTable.AddCSVTables``), so that the validation targets are the same as Flee's.

    Walking through the second series ``b`` in date order: points of ``a`` strictly before the
    current ``b`` point get the last ``b`` value seen added; a ``b`` point on a date of ``a`` is
    the sum; a ``b`` point before the next ``a`` point gets that *next* ``a`` value added. Points
    of ``a`` after the last point of ``b`` are dropped (Flee's behaviour; it only matters after
    the end of the shipped runs).

    >>> a = (np.array([0, 10, 20]), np.array([1.0, 2.0, 3.0]))
    >>> b = (np.array([5, 10]), np.array([100.0, 200.0]))
    >>> _add_series(a, b)
    (array([ 0,  5, 10]), array([  1., 102., 202.]))
    """
    da, va = a
    db, vb = b
    out_d: list[int] = []
    out_v: list[float] = []
    off = 0
    last = 0.0
    n1 = len(da)
    for d2, v2 in zip(db.tolist(), vb.tolist(), strict=True):
        while d2 > da[off]:
            out_d.append(int(da[off]))
            out_v.append(last + float(va[off]))
            if off < n1 - 1:
                off += 1
            else:
                break
        if d2 == da[off]:
            out_d.append(d2)
            out_v.append(v2 + float(va[off]))
            if off < n1 - 1:
                off += 1
            last = v2
        elif d2 < da[off]:
            out_d.append(d2)
            out_v.append(v2 + float(va[off]))
            last = v2
    return np.asarray(out_d, dtype=np.int64), np.asarray(out_v, dtype=np.float64)


def read_validation_dir(
    path: str | Path,
    start: dt.date,
    corrections: list[tuple[str, dt.date]] | None = None,
    hasten: int = 1,
) -> Validation:
    """Read ``data_layout.csv`` and the series it names (days relative to ``start``).

    Extra files on a layout row are added to the first file's series. ``corrections`` are the
    registration corrections of the input directory: for each ``(camp, date)`` the camp's data
    points before ``date`` are multiplied by ``value(date) / value(previous point)``.
    Counts are divided by ``hasten``.
    """
    p = Path(path)
    if not p.is_dir():
        raise UserError(f"{p}: not a directory (expected a Flee validation directory)")
    layout = p / "data_layout.csv"
    names: list[str] = []
    series: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = {}
    for line, row in _rows(layout):
        if not row or _is_blank(row) or row[0].startswith("#"):
            continue
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) < 2:
            raise UserError(f"{layout}:{line}: expected name,file[,more files]")
        name = row[0]
        if name in series:
            raise UserError(f"{layout}:{line}: {name!r} appears twice")
        s = read_series(p / cells[1], start)
        for extra in cells[2:]:
            s = _add_series(s, read_series(p / extra, start))
        names.append(name)
        series[name] = s
    if not names:
        raise UserError(f"{layout}: empty (expected 'total,refugees.csv' then one row per camp)")
    if hasten > 1:  # Flee divides the counts (as floats) before the corrections
        series = {k: (d, v / hasten) for k, (d, v) in series.items()}
    for camp, date in corrections or []:
        if camp not in series:
            raise UserError(f"registration correction for {camp!r}: no such row in {layout}")
        d, v = series[camp]
        day = (date - start).days
        hits = np.flatnonzero(d == day)
        if len(hits) == 0:
            raise UserError(
                f"registration correction {camp},{date}: no data point on that date "
                f"in the validation series of {camp!r}"
            )
        i = int(hits[0])
        if i == 0:
            continue
        if v[i - 1] == 0:
            raise UserError(f"registration correction {camp},{date}: the previous data point is 0")
        ratio = v[i] / v[i - 1]
        v = v.copy()
        v[:i] *= ratio
        series[camp] = (d, v)
    return Validation(path=p, total_name=names[0], names=names, series=series)
