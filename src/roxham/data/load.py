"""Reading the bundled CSVs: registry of files, schema validation, one tidy table.

Every raw file is listed in :data:`REGISTRY` (path, family, which column holds what, how its
labels are classified). Files in ``raw/canada_found/`` that use the standard columns
``period,geography,series,value,source_url,source_note`` are picked up automatically, one
family per file (``canada_found/<file stem>``).

Validation on load (any failure raises :class:`~roxham.errors.UserError` naming the file and
line): the file exists; the header has the required columns; every record has as many fields
as the header; ``period`` parses (:mod:`roxham.data.periods`); ``value`` is a number, possibly
with ``~``/``>``/``,``/``%``; ``source_url`` is an http(s) URL; no row repeats another row's
key *and* value *and* source (a repeated key with another value or source is a conflict
between sources, kept and reported by :func:`roxham.data.conflicts`).

The data directory is the package's ``raw/`` folder, or ``$ROXHAM_RAW_DIR``, or the
``data_dir`` argument of each loader (tests point it at a temporary copy).

>>> df = figures()
>>> df.filter(pl.col("series") == "usbp_encounters").height > 100
True
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from roxham.data import catalog, grades, measures
from roxham.data.catalog import Label
from roxham.data.periods import PeriodError, parse_period
from roxham.errors import UserError

__all__ = [
    "EVENT_COLUMNS",
    "FIGURE_COLUMNS",
    "FOUND_DIR",
    "REGISTRY",
    "RawFile",
    "events",
    "figures",
    "raw_files",
    "releases",
    "resolve_data_dir",
]

#: The tidy figures table: column name → (Polars dtype, meaning). Documented in SCHEMA.md.
FIGURE_COLUMNS: dict[str, tuple[pl.DataType | type[pl.DataType], str]] = {
    "period": (pl.Date, "first day of the period (first day of the month for a monthly figure)"),
    "series": (pl.Utf8, "canonical series name, e.g. rcmp_interceptions"),
    "geography": (pl.Utf8, "geography code, e.g. QC, CA, US-SW, US-SWANTON"),
    "value": (pl.Float64, "the figure as a number"),
    "source_url": (pl.Utf8, "where the figure was published or mirrored"),
    "source_note": (pl.Utf8, "quote or locator in the source"),
    "subgroup": (pl.Utf8, "'all' or a breakdown: citizenship=Mexico, office=airport, …"),
    "period_kind": (pl.Utf8, "day, month, quarter, year, fiscal_year or range"),
    "start": (pl.Date, "first day covered (inclusive; equals period)"),
    "end": (pl.Date, "last day covered (inclusive)"),
    "period_text": (pl.Utf8, "period as written, without qualifier (2017-08, FY2019, a..b)"),
    "unit": (pl.Utf8, "count or percent"),
    "approx": (pl.Boolean, "the source gives it as approximate or bounded (~, >, 'about')"),
    "vintage": (pl.Utf8, "official, official_rounded, later_release, first_reported, press, …"),
    "value_text": (pl.Utf8, "the value exactly as written in the raw file"),
    "period_qualifier": (pl.Utf8, "text in parentheses after the period, if any"),
    "raw_series": (pl.Utf8, "the series/scope label as written in the raw file"),
    "raw_geography": (pl.Utf8, "the geography as written in the raw file ('' if none)"),
    "conflict_noted": (pl.Boolean, "the source note flags a conflict with another source"),
    "family": (pl.Utf8, "which raw file family the row comes from"),
    "file": (pl.Utf8, "raw file, relative to the data directory"),
    "line": (pl.Int64, "line of the record in that file (the header is line 1)"),
    "measure": (pl.Utf8, "measure of the controlled vocabulary (roxham.data.measures.MEASURES)"),
    "office": (pl.Utf8, "claim office or route (airport, land_poe, inland, other, total, …; '')"),
    "qualifier": (pl.Utf8, "exact, rounded_5, rounded_10, approximate, lower_bound, upper_bound"),
    "cumulative": (pl.Boolean, "a running total from the start to the end of the period"),
    "rate_per": (pl.Utf8, "'' for a count, else the rate's unit of time (day, week, month)"),
    "grade": (pl.Utf8, "official, official_mirror, press_of_official, press or weak"),
    "release": (pl.Utf8, "vintage of the release (YYYY-MM-DD, e.g. IRCC's 'Source' date; '')"),
    "source": (pl.Utf8, "host of source_url"),
}

#: The events table: column name → (Polars dtype, meaning).
EVENT_COLUMNS: dict[str, tuple[pl.DataType | type[pl.DataType], str]] = {
    "date": (pl.Date, "the day (first day of the month when only the month is known)"),
    "date_text": (pl.Utf8, "the date as written"),
    "precision": (pl.Utf8, "day or month"),
    "event": (pl.Utf8, "what happened, with the source's caveats (CONFLICT notes kept)"),
    "conflict_noted": (pl.Boolean, "the text records a conflict between sources"),
    "source_url": (pl.Utf8, "source"),
    "file": (pl.Utf8, "raw file"),
    "line": (pl.Int64, "line in that file"),
}

#: Sub-directory where the Canadian series found by the research helper are written.
FOUND_DIR = "canada_found"

#: The bundled IRCC claims table (same figures as the shared workbook) and its family.
IRCC_CLAIMS_FILE = "canada/ircc_claims_by_office_province_monthly.csv"
IRCC_FAMILY = "ircc_claims"
#: Family of the figures of workbooks imported by the user (``roxham data import``).
IMPORT_FAMILY = "ircc_import"

_STANDARD = ("period", "geography", "series", "value", "source_url", "source_note")


@dataclass(frozen=True)
class RawFile:
    """One bundled raw file and how to read it.

    ``columns`` maps the tidy names ``period``, ``value``, ``series``, ``geography`` to the
    file's own column names (``series``/``geography`` may be absent). ``classify`` turns
    ``(raw_series, raw_geography, source_url)`` into a :class:`~roxham.data.catalog.Label`.
    ``fiscal`` says whose fiscal year ``FYyyyy`` means (``US``: Oct..Sep; ``CA``: Apr..Mar).
    """

    path: str
    family: str
    columns: dict[str, str]
    classify: Callable[[str, str, str], Label]
    description: str
    fiscal: str = "US"
    standard: bool = False
    #: Release (vintage) date of every figure of the file, when the file is one release.
    release: str = ""
    #: ``/`` separates the ends of a range in this file (``2019-01/2019-03``).
    slash_ranges: bool = False


#: The bundled files (paths relative to the data directory).
REGISTRY: tuple[RawFile, ...] = (
    RawFile(
        "us/cbp_southwest_monthly.csv",
        "cbp_southwest",
        {"period": "month", "value": "encounters", "series": "scope"},
        lambda s, g, u: catalog.classify_cbp_southwest(s),
        "US southwest land border encounters by month, FY2017–FY2024 (CBP, DHS OHSS, press)",
    ),
    RawFile(
        "us/cbp_northern.csv",
        "cbp_northern",
        {"period": "period", "value": "value", "series": "series", "geography": "geography"},
        lambda s, g, u: catalog.classify_cbp_northern(s, g),
        "US northern land border and Swanton sector encounters, by month and fiscal year",
    ),
    RawFile(
        "us/nyc.csv",
        "nyc",
        {"period": "period", "value": "value", "series": "series"},
        lambda s, g, u: catalog.classify_nyc(s),
        "New York City asylum-seeker arrivals and shelter population (point snapshots)",
    ),
    RawFile(
        "canada/context.csv",
        "canada_context",
        {"period": "period", "value": "value", "series": "series"},
        lambda s, g, u: catalog.classify_canada_context(s),
        "Canadian figures found in the press along the way (annual, a few months)",
    ),
    RawFile(
        IRCC_CLAIMS_FILE,
        IRCC_FAMILY,
        {c: c for c in ("period", "value", "series", "geography")},
        lambda s, g, u: catalog.classify_ircc_claims(s, g),
        "IRCC open data: asylum claimants by claim office type and province, by month "
        "2015-01..2024-12 and year (vintage 'Source: IRCC, July 31, 2025')",
        fiscal="CA",
        release="2025-07-31",
    ),
    RawFile(
        "canada/found_2015_2024.csv",
        "canada_found_2015_2024",
        {c: c for c in ("period", "value", "series", "geography")},
        lambda s, g, u: catalog.classify_found(s, g, u),
        "Official and press figures filling gaps, 2015–2024 (RCMP interceptions 2019–2021 and "
        "2023-Q1, STCA turn-backs, regular claims by mode, annual irregular claims)",
        fiscal="CA",
        slash_ranges=True,
    ),
)

#: Event files: (path, column holding the event's text).
_EVENT_FILES: tuple[tuple[str, str], ...] = (
    ("us/events.csv", "event"),
    ("canada/events_2025_2026.csv", "description"),
)


def resolve_data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The raw data directory: ``path`` if given, else ``$ROXHAM_RAW_DIR``, else the bundled one.

    (Imported workbooks live elsewhere: :func:`roxham.data.store.user_data_dir`.)

    >>> resolve_data_dir().name
    'raw'
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("ROXHAM_RAW_DIR")
    if env:
        return Path(env)
    # Bundled with the package (hatch ships every file under src/roxham in the wheel).
    return Path(str(resources.files("roxham.data").joinpath("raw")))


#: Series-name prefix per ``canada_found`` file stem (IRB series are named ``irb_*``).
_PREFIX = {"irb": "irb_"}


def _standard_file(path: str) -> RawFile:
    stem = Path(path).stem
    prefix = _PREFIX.get(stem, "")

    def classify(s: str, g: str, u: str) -> Label:
        lab = catalog.classify_standard(s, g, u)
        if prefix and not lab.series.startswith(prefix):
            lab = Label(prefix + lab.series, lab.geography, lab.subgroup, lab.vintage)
        return lab

    return RawFile(
        path,
        f"{FOUND_DIR}/{stem}",
        {c: c for c in ("period", "value", "series", "geography")},
        classify,
        f"Canadian series found in public sources ({Path(path).name})",
        fiscal="CA",
        standard=True,
    )


def raw_files(path: str | os.PathLike[str] | None = None) -> tuple[RawFile, ...]:
    """The registry plus every CSV in ``raw/canada_found/`` (standard format), sorted.

    >>> [f.family for f in raw_files()][:2]
    ['cbp_southwest', 'cbp_northern']
    """
    root = resolve_data_dir(path)
    found = root / FOUND_DIR
    extra = tuple(
        _standard_file(f"{FOUND_DIR}/{p.name}") for p in sorted(found.glob("*.csv"))
    ) if found.is_dir() else ()
    return REGISTRY + extra


_NUMBER = re.compile(
    r"^(?P<prefix>~|≈|>=|<=|>|<|about\s+|over\s+|more than\s+|nearly\s+)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?\s*(?P<pct>%)?$",
    re.IGNORECASE,
)


def parse_value(text: str) -> tuple[float, str, bool]:
    """Parse a raw value: ``(number, unit, approximate)``; ValueError if not a number.

    >>> parse_value("18%")
    (18.0, 'percent', False)
    >>> parse_value("~1,200")
    (1200.0, 'count', True)
    """
    m = _NUMBER.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a number")
    num = float(m.group("num").replace(",", "") + (m.group("dec") or ""))
    unit = "percent" if m.group("pct") else "count"
    return num, unit, bool(m.group("prefix"))


def _where(rel: str, line: int | None = None) -> str:
    return f"data file {rel}" + (f", line {line}" if line is not None else "")


def _read_records(
    root: Path, rel: str, required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Records of a CSV as (line, row); checks existence, header and field counts."""
    p = root / rel
    if not p.is_file():
        raise UserError(
            f"{_where(rel)} is missing (looked in {root}); reinstall roxham or fix ROXHAM_RAW_DIR"
        )
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header:
                raise UserError(f"{_where(rel, 1)}: the file is empty (no header)")
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise UserError(
                    f"{_where(rel, 1)}: header lacks column(s) {', '.join(missing)} "
                    f"(found: {', '.join(header)})"
                )
            out: list[tuple[int, dict[str, str]]] = []
            for rec in reader:
                line = reader.line_num
                if not rec or all(not c.strip() for c in rec):
                    continue
                if len(rec) != len(header):
                    raise UserError(
                        f"{_where(rel, line)}: expected {len(header)} fields, found {len(rec)}"
                    )
                out.append((line, dict(zip(header, rec, strict=True))))
    except UnicodeDecodeError as e:
        raise UserError(f"{_where(rel)}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise UserError(f"{_where(rel)}: malformed CSV ({e})") from None
    return out


def _found_period(text: str) -> str:
    """``A/B`` → ``A..B``; Canadian ``FY2021-22`` → ``FY2021`` (April 2021 to March 2022).

    >>> _found_period("2019-01/2019-03"), _found_period("FY2021-22")
    ('2019-01..2019-03', 'FY2021')
    """
    t = re.sub(r"^FY(\d{4})-\d{2}$", r"FY\1", text.strip())
    return t.replace("/", "..")


def _check_url(rel: str, line: int, url: str) -> None:
    if not re.match(r"^https?://\S+", url.strip()):
        raise UserError(f"{_where(rel, line)}: column 'source_url': {url!r} is not an http(s) URL")


def _load_file(root: Path, spec: RawFile) -> list[dict[str, object]]:
    cols = spec.columns
    required = (*cols.values(), "source_url")
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, ...], int] = {}
    same_source: dict[tuple[str, ...], tuple[int, str, bool]] = {}
    for line, rec in _read_records(root, spec.path, required):
        ptext = rec[cols["period"]].strip()
        vtext = rec[cols["value"]].strip()
        raw_series = rec[cols["series"]].strip() if "series" in cols else ""
        raw_geo = rec[cols["geography"]].strip() if "geography" in cols else ""
        url = rec["source_url"].strip()
        for name, val in (("period", ptext), ("value", vtext), ("series", raw_series)):
            if name in cols and not val:
                raise UserError(f"{_where(spec.path, line)}: column '{cols[name]}' is empty")
        _check_url(spec.path, line, url)
        if spec.standard:
            _check_standard_labels(spec.path, line, raw_series, raw_geo)
        try:
            per = parse_period(_found_period(ptext) if spec.slash_ranges else ptext,
                               spec.fiscal)
        except PeriodError as e:
            raise UserError(f"{_where(spec.path, line)}: column '{cols['period']}': {e}") from None
        # A change (``..._change_...``) may be negative; a count may not.
        negative = vtext.startswith("-") and "change" in raw_series
        try:
            value, unit, approx = parse_value(vtext[1:] if negative else vtext)
            value = -value if negative else value
        except ValueError as e:
            raise UserError(f"{_where(spec.path, line)}: column '{cols['value']}': {e}") from None
        key = (ptext, raw_series, raw_geo, vtext, url, rec.get("source_note", "").strip())
        if key in seen:
            raise UserError(
                f"{_where(spec.path, line)}: duplicate of line {seen[key]} "
                "(same period, series, geography, value, source and note)"
            )
        seen[key] = line
        note = rec.get("source_note", "").strip()
        flagged = "conflict" in note.lower()
        skey = (ptext, raw_series, raw_geo, url, note)
        if skey in same_source and same_source[skey][1] != vtext:
            first_line, first_value, first_flag = same_source[skey]
            if not (flagged or first_flag):
                raise UserError(
                    f"{_where(spec.path, line)}: duplicate key of line {first_line} (same "
                    f"period, series, geography, source and note) with another value "
                    f"({vtext} vs {first_value}) and no CONFLICT flag in the note"
                )
        same_source.setdefault(skey, (line, vtext, flagged))
        label = spec.classify(raw_series, raw_geo, url)
        if "%" in raw_series:
            unit = "percent"
        approx = approx or label.vintage in ("press_approx", "official_rounded") or (
            spec.standard and any(w in note.lower() for w in ("approx", "rounded"))
        )
        meas = measures.classify(label.series, label.subgroup)
        rows.append(
            {
                "period": per.start,
                "series": label.series,
                "geography": label.geography,
                "value": value,
                "source_url": url,
                "source_note": note,
                "subgroup": label.subgroup,
                "period_kind": per.kind,
                "start": per.start,
                "end": per.end,
                "period_text": per.text,
                "unit": unit,
                "approx": approx,
                "vintage": label.vintage,
                "value_text": vtext,
                "period_qualifier": per.qualifier,
                "raw_series": raw_series,
                "raw_geography": raw_geo,
                "conflict_noted": flagged,
                "family": spec.family,
                "file": spec.path,
                "line": line,
                "measure": meas.measure,
                "office": meas.office,
                "qualifier": measures.qualifier(vtext, label.vintage, note, raw_series),
                "cumulative": meas.cumulative,
                "rate_per": meas.unit_per,
                "grade": grades.grade(url, note, meas.measure),
                "release": spec.release,
                "source": (urlparse(url).hostname or "").lower(),
            }
        )
    return rows


_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_OFFICE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _check_standard_labels(rel: str, line: int, raw_series: str, raw_geo: str) -> None:
    """Allowed values in a standard-format file: snake_case series; a known place or office."""
    if not _SLUG.match(raw_series):
        raise UserError(
            f"{_where(rel, line)}: column 'series': {raw_series!r} is not a snake_case name"
        )
    code = catalog.normalize_geography(raw_geo) if raw_geo else ""
    if code not in catalog.GEOGRAPHIES and not _OFFICE.match(raw_geo):
        raise UserError(
            f"{_where(rel, line)}: column 'geography': {raw_geo!r} is neither a known geography "
            f"({', '.join(list(catalog.GEOGRAPHIES)[:14])}, …) nor an office type like land_poe_QC"
        )


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """What the cache depends on: path, mtime and size of every raw file."""
    sig = []
    for spec in raw_files(root):
        p = root / spec.path
        st = p.stat() if p.is_file() else None
        sig.append((spec.path, st.st_mtime_ns if st else -1, st.st_size if st else -1))
    for rel, _col in _EVENT_FILES:
        ev = root / rel
        sig.append((rel, ev.stat().st_mtime_ns if ev.is_file() else -1, 0))
    return tuple(sig)


def _empty_figures() -> pl.DataFrame:
    return pl.DataFrame(schema={k: v[0] for k, v in FIGURE_COLUMNS.items()})


def _import_files() -> tuple[RawFile, ...]:
    """One :class:`RawFile` per imported IRCC workbook (absolute paths in the user store)."""
    from roxham.data.store import store_dir, vintages

    d = store_dir()
    return tuple(
        RawFile(
            str(d / v.figures_file),
            IMPORT_FAMILY,
            {c: c for c in ("period", "value", "series", "geography")},
            lambda s, g, u: catalog.classify_ircc_claims(s, g),
            f"IRCC workbook {v.file_name} imported by the user (vintage {v.vintage})",
            fiscal="CA",
            release=v.vintage,
        )
        for v in vintages(d)
    )


def _store_signature() -> tuple[str, int, int]:
    from roxham.data.store import store_dir

    p = store_dir() / "manifest.json"
    st = p.stat() if p.is_file() else None
    return (str(p), st.st_mtime_ns if st else -1, st.st_size if st else -1)


@lru_cache(maxsize=8)
def _figures_cached(root: str, _sig: tuple[tuple[str, int, int], ...],
                    _store: tuple[str, int, int]) -> pl.DataFrame:
    rows: list[dict[str, object]] = []
    for spec in (*raw_files(root), *_import_files()):
        rows.extend(_load_file(Path(root), spec))
    if not rows:
        return _empty_figures()
    schema = {k: v[0] for k, v in FIGURE_COLUMNS.items()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def releases(*, data_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Vintages (release dates, oldest first) of the IRCC claims table: bundled and imported."""
    df = figures(data_dir=data_dir, vintage="all")
    rel = df.filter(pl.col("series") == catalog.IRCC_SERIES).get_column("release")
    return sorted(set(rel.to_list()))


def _newest_vintage(df: pl.DataFrame, vintage: str | None) -> pl.DataFrame:
    """IRCC claims figures of one vintage per key: the newest (or ``vintage``), others kept."""
    is_ircc = pl.col("series") == catalog.IRCC_SERIES
    ircc = df.filter(is_ircc)
    if ircc.is_empty() or vintage == "all":
        return df
    if vintage is not None:
        known = sorted(set(ircc.get_column("release").to_list()))
        if vintage not in known:
            raise UserError(f"unknown vintage {vintage!r} of the IRCC claims table; known: "
                            f"{', '.join(known)} (`roxham data vintages`)")
        keep = ircc.filter(pl.col("release") == vintage)
    else:
        keep = ircc.with_columns(
            (pl.col("family") == IMPORT_FAMILY).alias("_imported")
        ).sort(["release", "_imported", "file", "line"], descending=[True, True, False, False])
        keep = keep.unique(subset=["geography", "subgroup", "period_text"], keep="first",
                           maintain_order=True).drop("_imported")
    keep = keep.unique(subset=["geography", "subgroup", "period_text", "release"],
                       keep="first", maintain_order=True)
    return pl.concat([df.filter(~is_ircc), keep]).sort("file", "line")


@lru_cache(maxsize=8)
def _resolved(root: str, sig: tuple[tuple[str, int, int], ...], store: tuple[str, int, int],
              vintage: str | None) -> pl.DataFrame:
    """:func:`_newest_vintage` of the cached figures, kept under the same keys: resolving the
    vintages sorts and de-duplicates the whole IRCC table, which every look-up of any series
    repeated (a run's report makes a few dozen)."""
    return _newest_vintage(_figures_cached(root, sig, store), vintage)


def figures(
    family: str | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    vintage: str | None = None,
) -> pl.DataFrame:
    """Every figure of every bundled file and imported workbook, as one tidy table (columns:
    :data:`FIGURE_COLUMNS`).

    ``family`` keeps one family of files (``cbp_southwest``, ``cbp_northern``, ``nyc``,
    ``canada_context``, ``canada_found/<stem>``, ``ircc_claims``, ``ircc_import``).

    The IRCC claims table (series ``asylum_claims_by_office``) comes in vintages (the bundled
    one, 2025-07-31, and each imported workbook): the newest vintage of each figure wins;
    ``vintage="YYYY-MM-DD"`` gives that vintage's figures instead, ``vintage="all"`` every
    vintage side by side. Inside :func:`roxham.data.observed_until` only figures whose period
    ends by the cut-off come back.

    >>> figures("cbp_southwest").height
    240
    """
    from roxham.data.cutoff import current_cutoff

    root = resolve_data_dir(data_dir)
    df = _resolved(str(root), _signature(root), _store_signature(), vintage)
    cut = current_cutoff()
    if cut is not None:  # roxham.data.observed_until: nothing whose period ends later
        df = df.filter(pl.col("end") <= cut)
    if family is not None:
        fams = df.get_column("family").unique().sort().to_list()
        if family not in fams:
            raise UserError(f"unknown data family {family!r}; known: {', '.join(fams)}")
        df = df.filter(pl.col("family") == family)
    return df


@lru_cache(maxsize=8)
def _events_cached(root: str, _sig: tuple[tuple[str, int, int], ...]) -> pl.DataFrame:
    rows = []
    for rel, col in _EVENT_FILES:
        for line, rec in _read_records(Path(root), rel, ("date", col, "source_url")):
            dt = rec["date"].strip()
            try:
                per = parse_period(dt)
            except PeriodError as e:
                raise UserError(f"{_where(rel, line)}: column 'date': {e}") from None
            if per.kind not in ("day", "month"):
                raise UserError(
                    f"{_where(rel, line)}: column 'date': {dt!r} is not YYYY-MM-DD or YYYY-MM"
                )
            if not rec[col].strip():
                raise UserError(f"{_where(rel, line)}: column '{col}' is empty")
            _check_url(rel, line, rec["source_url"])
            rows.append(
                {
                    "date": per.start,
                    "date_text": dt,
                    "precision": per.kind,
                    "event": rec[col].strip(),
                    "conflict_noted": "CONFLICT" in rec[col],
                    "source_url": rec["source_url"].strip(),
                    "file": rel,
                    "line": line,
                }
            )
    schema = {k: v[0] for k, v in EVENT_COLUMNS.items()}
    return pl.DataFrame(rows, schema=schema, orient="row").sort("date", "file", "line")


def events(
    start: date | None = None,
    end: date | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
) -> pl.DataFrame:
    """Dated events on both sides of the border, each with its source (:data:`EVENT_COLUMNS`).

    >>> ev = events()
    >>> from roxham.law import law_date
    >>> ev.filter(pl.col("date") == law_date("D_PROTOCOL")).get_column("event").to_list()[1][:30]
    'STCA Additional Protocol in fo'
    """
    root = resolve_data_dir(data_dir)
    df = _events_cached(str(root), _signature(root))
    if start is not None:
        df = df.filter(pl.col("date") >= start)
    if end is not None:
        df = df.filter(pl.col("date") <= end)
    return df
