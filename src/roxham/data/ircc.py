"""Reader of IRCC's open-data workbook "Asylum Claimants by Claim Office Type, Province/Territory
of Claim and Claim Month" (``EN_ODP-Asylum-OfficeType_Prov.xlsx``), as IRCC publishes it.

Layout expected (anything else is refused with one line naming the sheet and cell):

- ``A1``: title ending with the period covered (``…, January 2015 - December 2024``);
- row 3: ``A3`` = "Claim Office Type and Province/Territory of Claim", then each year as a
  (merged) header cell over its 13 columns; row 4: ``Jan`` … ``Dec`` and ``YYYY Total``;
- from row 5: claim office groups (``Airport``, ``Border``, ``Inland`` in column A, provinces in
  column B), each closed by a ``<Type> - Total`` row; then ``Other Offices`` and ``Total``;
- ``--`` for suppressed values (1 to 4: **missing**, not 0); other values rounded to 5, with
  thousands separators; then notes and a line ``Source: IRCC, <Month D, YYYY>`` (the vintage).

Checks: every month row sums to its ``YYYY Total`` and every ``- Total`` row is the sum of its
provinces (``Total`` of the types and ``Other Offices``), within the rounding to 5 (2.5 per
rounded cell, 4 per suppressed cell).

The figures come out in the columns of the bundled
``raw/canada/ircc_claims_by_office_province_monthly.csv`` (period, geography, series, value,
source_url, source_note, kind): every month of every row, and the yearly totals of the
``- Total``, ``Other Offices`` and ``Total`` rows (geography ``CA``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from roxham.data.catalog import normalize_geography
from roxham.errors import UserError

__all__ = ["DEFAULT_SOURCE_URL", "OFFICE_SERIES", "Workbook", "WorkbookError", "read_workbook"]

#: Where IRCC publishes the workbook (the open-government portal's dataset search).
DEFAULT_SOURCE_URL = (
    "https://open.canada.ca/data/en/dataset?q=Asylum+Claimants+by+Claim+Office+Type"
)

#: Claim office group in the workbook → (raw series name, office code).
OFFICE_SERIES: dict[str, tuple[str, str]] = {
    "Airport": ("asylum_claims_airport", "airport"),
    "Border": ("asylum_claims_land_border_poe", "land_poe"),
    "Inland": ("asylum_claims_inland_office", "inland"),
    "Other Offices": ("asylum_claims_other_offices", "other"),
    "Total": ("asylum_claims_total", "total"),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HEADER = "Claim Office Type and Province/Territory of Claim"
_TITLE = re.compile(r"Asylum Claimants by Claim Office Type.*,\s*(\w+ \d{4})\s*-\s*(\w+ \d{4})\s*$",
                    re.S)
_SOURCE = re.compile(r"^\s*Source:\s*IRCC,\s*([A-Z][a-z]+ \d{1,2}, \d{4})\s*$")
_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
_GEO_NOT_STATED = "Province/Territory of claim not stated"


class WorkbookError(UserError):
    """A workbook whose layout or content differs from IRCC's (message names sheet and cell)."""


@dataclass(frozen=True)
class Workbook:
    """What a workbook holds: its vintage, period covered, and figures as CSV records."""

    vintage: date
    first_month: str
    last_month: str
    records: list[dict[str, str]]


def _cell(col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_workbook(path: Path, source_url: str = DEFAULT_SOURCE_URL) -> Workbook:
    """Read and check an IRCC claims workbook; :class:`WorkbookError` names sheet and cell."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=False, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise WorkbookError(f"{path.name}: not an Excel workbook ({e})") from None
    ws = wb.worksheets[0]
    sheet = ws.title

    def err(col: int, row: int, msg: str) -> WorkbookError:
        return WorkbookError(f"{path.name}: sheet {sheet!r}, cell {_cell(col, row)}: {msg}")

    grid = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]

    def at(col: int, row: int) -> str:
        if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
            return grid[row - 1][col - 1]
        return ""

    m = _TITLE.search(at(1, 1))
    if not m:
        raise err(1, 1, "expected the title 'Canada - Asylum Claimants by Claim Office Type, "
                        "…, <Month YYYY> - <Month YYYY>'")
    if at(1, 3) != _HEADER:
        raise err(1, 3, f"expected {_HEADER!r}, found {at(1, 3)!r}")
    # Year columns: each year header in row 3 over Jan..Dec + 'YYYY Total' in row 4.
    years: list[tuple[int, int]] = []  # (year, first column)
    ncols = max(len(r) for r in grid[:4])
    col = 3
    while col <= ncols and (at(col, 3) or at(col, 4)):
        ytext = at(col, 3)
        if not re.fullmatch(r"\d{4}", ytext):
            raise err(col, 3, f"expected a year header, found {ytext!r}")
        for k, mon in enumerate(_MONTHS):
            if at(col + k, 4) != mon:
                raise err(col + k, 4, f"expected month {mon!r} under {ytext}, found "
                                      f"{at(col + k, 4)!r}")
            if k and at(col + k, 3):
                raise err(col + k, 3, f"unexpected header {at(col + k, 3)!r} inside year "
                                      f"{ytext}")
        if at(col + 12, 4) != f"{ytext} Total":
            raise err(col + 12, 4, f"expected {ytext + ' Total'!r}, found "
                                   f"{at(col + 12, 4)!r}")
        years.append((int(ytext), col))
        col += 13
    if not years:
        raise err(3, 3, "no year columns")
    last_col = col - 1

    def value(c: int, r: int) -> int | None:
        t = at(c, r)
        if t == "--":
            return None
        if not _NUMBER.match(t):
            raise err(c, r, f"{t!r} is not a number or '--'")
        return int(t.replace(",", ""))

    # Rows. The group label in column A (merged over its provinces) may be empty: the
    # '<Type> - Total' row closing the group names it.
    rows: list[tuple[int, str, str, str]] = []  # (row, kind, group, province)
    pending: list[tuple[int, str]] = []
    group = ""
    r = 5
    total_row = 0
    while r <= len(grid):
        a, b = at(1, r), at(2, r)
        if a == "Total":
            if pending:
                raise err(1, r, "provinces above are not closed by a '<Type> - Total' row")
            rows.append((r, "total", "Total", ""))
            total_row = r
            break
        if a.endswith(" - Total"):
            g = a.removesuffix(" - Total")
            if g not in OFFICE_SERIES or g in ("Other Offices", "Total"):
                raise err(1, r, f"unknown claim office type {g!r} (expected Airport, Border "
                                "or Inland)")
            if group and g != group:
                raise err(1, r, f"{a!r} closes group {group!r}")
            if not pending:
                raise err(1, r, f"{a!r} has no province rows above it")
            rows.extend((pr, "province", g, pb) for pr, pb in pending)
            rows.append((r, "group_total", g, ""))
            pending, group = [], ""
        elif a == "Other Offices":
            rows.append((r, "group_total", "Other Offices", ""))
        elif b:
            if a:
                group = a
            pending.append((r, b))
        else:
            raise err(1, r, "unexpected row before the 'Total' row "
                            f"(A={a!r}, B={b!r}; expected a province or a total)")
        r += 1
    if not total_row:
        raise err(1, len(grid), "no 'Total' row")
    vintage: date | None = None
    for rr in range(total_row + 1, len(grid) + 1):
        if sm := _SOURCE.match(at(1, rr)):
            vintage = datetime.strptime(sm.group(1), "%B %d, %Y").date()
    if vintage is None:
        raise err(1, len(grid), "no line 'Source: IRCC, <Month D, YYYY>' below the table "
                                "(the vintage)")
    # Values, checks, records.
    vals: dict[tuple[int, int], int | None] = {
        (c, rr): value(c, rr) for rr, *_ in rows for c in range(3, last_col + 1)
    }

    def check(total: int | None, parts: list[int | None], where: tuple[int, int],
              what: str) -> None:
        if total is None:
            return
        known = sum(p for p in parts if p is not None)
        n_sup = sum(p is None for p in parts)
        tol = 2.5 * (len(parts) + 1) + 4 * n_sup
        if abs(total - known) > tol and not (n_sup and known <= total <= known + 4 * n_sup
                                             + tol):
            raise err(*where, f"{what}: {total:,} but the parts sum to {known:,}"
                              + (f" (+{n_sup} suppressed)" if n_sup else ""))

    for rr, *_ in rows:
        for y, c0 in years:
            check(vals[(c0 + 12, rr)], [vals[(c0 + k, rr)] for k in range(12)],
                  (c0 + 12, rr), f"{y} Total")
    prov_of: dict[str, list[int]] = {}
    for rr, kind, g, _p in rows:
        if kind == "province":
            prov_of.setdefault(g, []).append(rr)
    group_rows = [rr for rr, kind, _g, _p in rows if kind == "group_total"]
    for rr, kind, g, _p in rows:
        parts_rows = prov_of.get(g, []) if kind == "group_total" else (
            group_rows if kind == "total" else [])
        if not parts_rows:
            continue
        for c in range(3, last_col + 1):
            check(vals[(c, rr)], [vals[(c, pr)] for pr in parts_rows], (c, rr),
                  f"{at(1, rr)} ({at(c, 4)} {_year_of(c, years)})")

    records: list[dict[str, str]] = []
    for rr, kind, g, prov in rows:
        series = OFFICE_SERIES[g][0]
        geo = "CA" if kind != "province" else (
            "NOT_STATED" if prov == _GEO_NOT_STATED else normalize_geography(prov))
        label = f"'{g}' / '{prov}'" if kind == "province" else f"'{at(1, rr).strip()}'"
        for y, c0 in years:
            for k in range(13 if kind != "province" else 12):
                v = vals[(c0 + k, rr)]
                if v is None:
                    continue
                period = f"{y}" if k == 12 else f"{y}-{k + 1:02d}"
                col_label = f"{y} {at(c0 + k, 4)}"
                records.append({
                    "period": period, "geography": geo, "series": series, "value": str(v),
                    "source_url": source_url,
                    "source_note": f"IRCC open data {path.name} (IRCC, {vintage.isoformat()}); "
                                   f"row {label}, col {col_label}; values rounded to 5",
                    "kind": "official",
                })
    first = f"{years[0][0]}-01"
    last = f"{years[-1][0]}-12"
    return Workbook(vintage, first, last, records)


def _year_of(col: int, years: list[tuple[int, int]]) -> int:
    return next(y for y, c0 in reversed(years) if col >= c0)
