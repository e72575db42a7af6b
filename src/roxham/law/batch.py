"""The columnar evaluator: the rules of :func:`roxham.law.determine` over arrays of people.

Facts become fixed per-row columns (:data:`COLUMNS`); list-valued facts (family, documents) are
encoded by :func:`columns_from_facts` with the same predicates the scalar evaluator uses
(:mod:`roxham.law.rules`) into bit masks of the exceptions they establish. A Numba kernel then
applies docs/law/RULES.md §5 row by row. Row ``i`` of :func:`evaluate_batch` equals
``determine(row i)`` (property-tested): ``result_code``, ``eligible``, ``stca_status``, and
the ``grounds`` and ``exceptions`` bit masks (bit order :data:`GROUND_IDS`, :data:`EXCEPTION_IDS`).

>>> import datetime as dt
>>> cols = columns_from_facts([
...     {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
...      "claim": {"date": "2023-04-10"}},
...     {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
...      "claim": {"date": "2023-04-10"},
...      "family": [{"rel": "sister", "status": "CITIZEN"}]}])
>>> res = evaluate_batch(cols, dt.date(2023, 4, 10))
>>> [RESULT_CODES[c] for c in res.result_code]
['INELIGIBLE/STCA', 'ELIGIBLE/STCA_EXCEPTION']
>>> [RESULT_CODES[c] for c in evaluate_batch(cols, dt.date(2023, 4, 10),
...                                          Reform(no_protocol=True)).result_code]
['ELIGIBLE/STCA_NOT_APPLICABLE', 'ELIGIBLE/STCA_NOT_APPLICABLE']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from roxham.errors import UserError, format_validation_error
from roxham.law.determine import _BEFORE_IRPA, RESULT_CODES, STCA_STATUSES, coerce_facts
from roxham.law.facts import (
    CLAIM_WHERE,
    ENTRY_MODES,
    MAX_DATE,
    MIN_DATE,
    PRIOR_CLAIMS,
    Doc,
    Facts,
    FamilyMember,
)
from roxham.law.reform import (
    EXCEPTION_IDS,
    GROUND_IDS,
    NEVER,
    Reform,
    day_number,
    law_params,
)
from roxham.law.rules import irpr_159_1_family_member, irpr_159_5_doc, irpr_159_5_family
from roxham.law.visas import derive_visa_facts

__all__ = [
    "COLUMNS",
    "BatchResult",
    "columns_from_facts",
    "default_columns",
    "evaluate_batch",
]

#: Per-row columns: name → (dtype, default, meaning). Dates are day numbers since 1970-01-01
#: (``datetime64[D]`` arrays are accepted). ``entries`` (optional) is 2-D: other entries into
#: Canada per row, padded with ``NEVER`` (2**31-1).
COLUMNS: dict[str, tuple[str, int, str]] = {
    "nat_us": ("bool", 0, '"US" in nat'),
    "stateless": ("bool", 0, "stateless"),
    "fhr_us": ("bool", 0, '"US" in fhr'),
    "from_us": ("bool", 1, 'entry.from == "US"'),
    "age": ("int16", -1, "age; -1 = omitted (adult)"),
    "has_spouse_or_cl": ("bool", 0, "has_spouse_or_cl"),
    "entry_mode": ("int8", 0, "index into ENTRY_MODES"),
    "entry_date": ("int32", 0, "entry.date (day number)"),
    "entry_minute": ("int16", -1, "entry.time as minute of day; -1 = not given"),
    "claim_date": ("int32", 0, "claim.date (day number)"),
    "claim_where": ("int8", 0, "index into CLAIM_WHERE"),
    "us_removal_transit": ("bool", 0, "us_removal_transit"),
    "family_mask": ("int32", 0, "exceptions established by family members (not guardians)"),
    "guardian_mask": ("int32", 0, "exceptions established by legal guardians (minors only)"),
    "accompanied_by_parent_or_guardian": ("bool", 1, "accompanied_by_parent_or_guardian"),
    "parent_or_guardian_in_ca_or_us": ("bool", 1, "parent_or_guardian_in_ca_or_us"),
    "docs_f": ("bool", 0, "holds a document satisfying IRPR 159.5(f)"),
    "visa_req_ca": ("int8", -1, "visa_req_ca; -1 = unknown"),
    "visa_req_us": ("int8", -1, "visa_req_us; -1 = unknown"),
    "death_penalty": ("int8", 0, "0 none, 1 punishable in the US, 2 punishable elsewhere"),
    "us_refused_entry_no_adjudication": ("bool", 0, "us_refused_entry_no_adjudication"),
    "pr_removed_from_us": ("bool", 0, "pr_removed_from_us"),
    "tsr_national": ("bool", 0, "tsr_national"),
    "prior_canada_claim": ("int8", 0, "0 none, else 1 + index into PRIOR_CLAIMS"),
    "protection_conferred_in_canada": ("bool", 0, "prior.protection_conferred_in_canada"),
    "other_country_claim_confirmed": ("bool", 0, "prior.other_country_claim_confirmed"),
    "recognized_refugee_elsewhere_returnable": (
        "bool",
        0,
        "prior.recognized_refugee_elsewhere_returnable",
    ),
    "inadmissible_101f": ("bool", 0, "inadmissible_101f"),
    "agreement_suspended": ("bool", 0, "agreement_suspended"),
}

_EXC_BIT = {e: i for i, e in enumerate(EXCEPTION_IDS)}
_DATE_COLS = ("entry_date", "claim_date")


@dataclass(frozen=True)
class BatchResult:
    """Per-row answers: codes index :data:`RESULT_CODES` / :data:`STCA_STATUSES`."""

    result_code: npt.NDArray[np.int8]
    eligible: npt.NDArray[np.bool_]
    stca_status: npt.NDArray[np.int8]
    grounds: npt.NDArray[np.int16]
    exceptions: npt.NDArray[np.int16]

    def __len__(self) -> int:
        return int(self.result_code.shape[0])

    def result_codes(self) -> list[str]:
        """The result codes as strings."""
        return [RESULT_CODES[c] for c in self.result_code]

    def stca_statuses(self) -> list[str]:
        """The STCA statuses as strings."""
        return [STCA_STATUSES[c] for c in self.stca_status]

    def grounds_of(self, i: int) -> list[str]:
        """The grounds of row ``i`` (as in ``Determination.grounds``)."""
        m = int(self.grounds[i])
        return [g for k, g in enumerate(GROUND_IDS) if m >> k & 1]

    def exceptions_of(self, i: int) -> list[str]:
        """The exceptions established for row ``i``."""
        m = int(self.exceptions[i])
        return [e for k, e in enumerate(EXCEPTION_IDS) if m >> k & 1]


def default_columns(n: int, date: dt.date | None = None) -> dict[str, npt.NDArray[Any]]:
    """``n`` rows of default facts: an adult non-US national entering at a land port of entry
    from the US and claiming on arrival, no family, documents or earlier claims.

    Entry and claim dates are ``date`` (default 1970-01-01): set them for real use.

    >>> cols = default_columns(3, dt.date(2022, 1, 1))
    >>> evaluate_batch(cols, dt.date(2022, 1, 1)).result_codes()[0]
    'INELIGIBLE/STCA'
    """
    if n < 0:
        raise UserError("default_columns: n must be >= 0")
    cols = {name: np.full(n, default, dtype=dtype) for name, (dtype, default, _) in COLUMNS.items()}
    if date is not None:
        dn = day_number(date)
        cols["entry_date"][:] = dn
        cols["claim_date"][:] = dn
    return cols


def family_masks(family: Sequence[FamilyMember], adult_age: int) -> tuple[int, int]:
    """Exceptions established by family members and by legal guardians (bit masks over
    :data:`EXCEPTION_IDS`): the ``family_mask`` and ``guardian_mask`` columns."""
    fam = guard = 0
    for m in family:
        rel = m.canonical_rel
        if not m.proven or not irpr_159_1_family_member(rel, rel == "legal_guardian"):
            continue
        fnd = irpr_159_5_family(m, adult_age)
        if fnd.exception:
            if rel == "legal_guardian":
                guard |= 1 << _EXC_BIT[fnd.exception]
            else:
                fam |= 1 << _EXC_BIT[fnd.exception]
    return fam, guard


def docs_f(docs: Sequence[Doc]) -> bool:
    """Whether a document satisfies IRPR s. 159.5(f): the ``docs_f`` column."""
    return any(irpr_159_5_doc(d).exception for d in docs)


_MODE_IX = {m: i for i, m in enumerate(ENTRY_MODES)}
_WHERE_IX = {w: i for i, w in enumerate(CLAIM_WHERE)}
_PRIOR_IX = {p: i + 1 for i, p in enumerate(PRIOR_CLAIMS)}
#: Position of each column in a row of :func:`encode_row`.
COLUMN_INDEX: dict[str, int] = {name: i for i, name in enumerate(COLUMNS)}


def encode_row(f: Facts, adult_age: int) -> tuple[list[Any], list[int]]:
    """One person's row: the values of :data:`COLUMNS` in order, and the day numbers of the
    other entries into Canada (``entries``)."""
    f, _ = derive_visa_facts(f)  # omitted visa facts from the table, as determine() does
    fam, guard = family_masks(f.family, adult_age)
    dp = f.death_penalty
    pc = f.prior.canada_claim
    pr = f.prior
    row = [
        "US" in f.nat,
        f.stateless,
        "US" in f.fhr,
        f.entry.from_ == "US",
        -1 if f.age is None else f.age,
        f.has_spouse_or_cl,
        _MODE_IX[f.entry.mode],
        day_number(f.entry.date),
        f.entry.minute,
        day_number(f.claim.date),
        _WHERE_IX[f.claim.where],
        f.us_removal_transit,
        fam,
        guard,
        f.accompanied_by_parent_or_guardian,
        f.parent_or_guardian_in_ca_or_us,
        docs_f(f.docs),
        -1 if f.visa_req_ca is None else int(f.visa_req_ca),
        -1 if f.visa_req_us is None else int(f.visa_req_us),
        0 if dp is None or not dp.punishable_by_death else 1 if dp.country == "US" else 2,
        f.us_refused_entry_no_adjudication,
        f.pr_removed_from_us,
        f.tsr_national,
        0 if pc is None else _PRIOR_IX[pc],
        pr.protection_conferred_in_canada,
        pr.other_country_claim_confirmed,
        pr.recognized_refugee_elsewhere_returnable,
        f.inadmissible_101f,
        f.agreement_suspended,
    ]
    others = [day_number(e) for e in f.all_entries() if e != f.entry.date]
    return row, others


def columns_from_rows(
    rows: Sequence[Sequence[Any]], others: Sequence[Sequence[int]]
) -> dict[str, npt.NDArray[Any]]:
    """Columns from rows of :func:`encode_row` (``entries`` padded with ``NEVER``)."""
    n = len(rows)
    k = max((len(o) for o in others), default=0)
    entries = np.full((n, max(k, 1)), NEVER, dtype=np.int32)
    for i, o in enumerate(others):
        if o:
            entries[i, : len(o)] = o
    cols: dict[str, npt.NDArray[Any]] = {}
    values = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    for (name, (dtype, _, _)), vals in zip(COLUMNS.items(), values, strict=True):
        cols[name] = np.array(vals, dtype=dtype)
    cols["entries"] = entries
    return cols


def columns_from_facts(facts: Sequence[Facts | Mapping[str, Any]]) -> dict[str, npt.NDArray[Any]]:
    """Encode facts as columns (validating each; a bad row raises, naming its index)."""
    fs: list[Facts] = []
    for i, x in enumerate(facts):
        try:
            fs.append(coerce_facts(x))
        except UserError as e:
            raise UserError(f"row {i}: {e}") from None
        except ValidationError as e:
            raise UserError(f"row {i}: {format_validation_error(e)}") from None
    adult_age = law_params().adult_age
    encoded = [encode_row(f, adult_age) for f in fs]
    return columns_from_rows([r for r, _ in encoded], [o for _, o in encoded])


def _np(a: Any) -> npt.NDArray[Any]:
    """A NumPy array from NumPy, Arrow (Array/ChunkedArray), Polars or a sequence."""
    if isinstance(a, np.ndarray):
        return a
    to_numpy = getattr(a, "to_numpy", None)
    if callable(to_numpy):
        try:
            return np.asarray(to_numpy(zero_copy_only=False))
        except TypeError:
            return np.asarray(to_numpy())
    return np.asarray(a)


def _as_days(a: npt.NDArray[Any], name: str) -> npt.NDArray[np.int32]:
    if np.issubdtype(a.dtype, np.datetime64):
        a = a.astype("datetime64[D]").astype(np.int64)
    elif not np.issubdtype(a.dtype, np.integer):
        raise UserError(f"column {name!r}: expected day numbers or datetime64[D]")
    return np.ascontiguousarray(a, dtype=np.int32)


def _prepare(
    columns: Mapping[str, npt.NDArray[Any]], n: int | None = None
) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.int32], int]:
    unknown = set(columns) - set(COLUMNS) - {"entries"}
    if unknown:
        raise UserError(f"unknown column(s): {', '.join(sorted(unknown))}")
    lengths = {len(v) for v in columns.values()}
    if n is None:
        if not lengths:
            raise UserError("evaluate_batch: no columns given")
        n = max(lengths)
    if lengths - {n}:
        raise UserError("columns have different lengths")
    out: dict[str, npt.NDArray[Any]] = {}
    for name, (dtype, default, _) in COLUMNS.items():
        if name in columns:
            a = _np(columns[name])
            if name in _DATE_COLS:
                out[name] = _as_days(a, name)
            else:
                out[name] = np.ascontiguousarray(a, dtype=dtype)
        else:
            out[name] = np.full(n, default, dtype=dtype)
    if "entries" in columns:
        e = _np(columns["entries"])
        if e.ndim == 1:
            e = e[:, None]
        if np.issubdtype(e.dtype, np.datetime64):
            nat = np.isnat(e)
            e = e.astype("datetime64[D]").astype(np.int64)
            e[nat] = NEVER
        entries = np.ascontiguousarray(e, dtype=np.int32)
    else:
        entries = np.full((n, 1), NEVER, dtype=np.int32)
    return out, entries, n


def evaluate_batch(
    columns: Mapping[str, npt.NDArray[Any]],
    as_of: dt.date | npt.NDArray[Any],
    reform: Reform | None = None,
) -> BatchResult:
    """Apply the law to every row of ``columns`` on ``as_of`` (a date, or one per row).

    Columns may be NumPy, Arrow or Polars arrays (dates as ``datetime64[D]``/``date32`` or
    day numbers). Missing columns take their defaults (:data:`COLUMNS`); unknown columns are
    an error.
    Rows whose ``as_of`` is before their claim date are refused, like :func:`determine`.
    """
    cols, entries, n = _prepare(columns)
    if isinstance(as_of, dt.date):
        asof = np.full(n, day_number(as_of), dtype=np.int32)
    else:
        asof = _as_days(_np(as_of), "as_of")
        if asof.shape != (n,):
            raise UserError("as_of: expected one date or one date per row")
    bad = np.flatnonzero(asof < cols["claim_date"])
    if bad.size:
        raise UserError(f"row {int(bad[0])}: as_of is before claim.date")
    bad = np.flatnonzero(cols["claim_date"] < cols["entry_date"])
    if bad.size:
        raise UserError(f"row {int(bad[0])}: claim.date is before entry.date")
    lo, hi = day_number(MIN_DATE), day_number(MAX_DATE)
    bad = np.flatnonzero(cols["entry_date"] < lo)
    if bad.size:
        raise UserError(f"row {int(bad[0])}: entry.date is before {MIN_DATE}")
    bad = np.flatnonzero(asof > hi)
    if bad.size:
        raise UserError(f"row {int(bad[0])}: as_of is after {MAX_DATE}")
    bad = np.flatnonzero(((entries < lo) | (entries > hi)) & (entries != NEVER))
    if bad.size:
        raise UserError(f"row {int(bad[0])}: entries outside {MIN_DATE} … {MAX_DATE}")
    lp = law_params(reform)
    bad = np.flatnonzero(asof < lp.d_irpa)
    if bad.size:
        raise UserError(f"row {int(bad[0])}: {_BEFORE_IRPA}")
    params = np.asarray(lp.as_array(), dtype=np.int64)
    code = np.empty(n, dtype=np.int8)
    elig = np.empty(n, dtype=np.bool_)
    stca = np.empty(n, dtype=np.int8)
    grounds = np.empty(n, dtype=np.int16)
    excs = np.empty(n, dtype=np.int16)
    _kernel(
        cols["nat_us"],
        cols["stateless"],
        cols["fhr_us"],
        cols["from_us"],
        cols["age"],
        cols["has_spouse_or_cl"],
        cols["entry_mode"],
        cols["entry_date"],
        cols["entry_minute"],
        entries,
        cols["claim_date"],
        cols["claim_where"],
        cols["us_removal_transit"],
        cols["family_mask"],
        cols["guardian_mask"],
        cols["accompanied_by_parent_or_guardian"],
        cols["parent_or_guardian_in_ca_or_us"],
        cols["docs_f"],
        cols["visa_req_ca"],
        cols["visa_req_us"],
        cols["death_penalty"],
        cols["us_refused_entry_no_adjudication"],
        cols["pr_removed_from_us"],
        cols["tsr_national"],
        cols["prior_canada_claim"],
        cols["protection_conferred_in_canada"],
        cols["other_country_claim_confirmed"],
        cols["recognized_refugee_elsewhere_returnable"],
        cols["inadmissible_101f"],
        cols["agreement_suspended"],
        asof,
        params,
        code,
        elig,
        stca,
        grounds,
        excs,
    )
    return BatchResult(code, elig, stca, grounds, excs)


# ---- the kernel ------------------------------------------------------------------------------
# Codes fixed by the tuples above (checked in tests): modes LAND_POE 0, BETWEEN_POE 1, AIRPORT 2,
# HARBOUR 3, COAST_NON_POE 4; where POE_ON_ARRIVAL 0; prior claims 1 + index of PRIOR_CLAIMS.
_M_LAND, _M_BETWEEN, _M_AIRPORT = 0, 1, 2
_B = {e: 1 << i for i, e in enumerate(EXCEPTION_IDS)}
_G = {g: 1 << i for i, g in enumerate(GROUND_IDS)}
_X_E = _B["IRPR 159.5(e)"]
_X_F = _B["IRPR 159.5(f)"]
_X_G = _B["IRPR 159.5(g)"]
_X_H1 = _B["IRPR 159.5(h)(i)"]
_X_H2 = _B["IRPR 159.5(h)(ii)"]
_X_6A = _B["IRPR 159.6(a)"]
_X_6B = _B["IRPR 159.6(b)"]
_X_6C = _B["IRPR 159.6(c)"]
_X_159_6 = _X_6A | _X_6B | _X_6C
_G_A, _G_B, _G_B1, _G_B2 = _G["101(1)(a)"], _G["101(1)(b)"], _G["101(1)(b.1)"], _G["101(1)(b.2)"]
_G_C, _G_C1, _G_D = _G["101(1)(c)"], _G["101(1)(c.1)"], _G["101(1)(d)"]
_G_E, _G_F = _G["101(1)(e)"], _G["101(1)(f)"]
_PC_REJ = 1 + PRIOR_CLAIMS.index("REJECTED_BY_BOARD")
_PC_E = 1 + PRIOR_CLAIMS.index("INELIGIBLE_101_1_E")
_NEVER = NEVER


@numba.njit(cache=True, inline="always")
def _civil(z: int) -> tuple[int, int, int]:  # pragma: no cover - compiled
    # days since 1970-01-01 -> (y, m, d) (H. Hinnant, "chrono-compatible date algorithms")
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


@numba.njit(cache=True, inline="always")
def _days(y: int, m: int, d: int) -> int:  # pragma: no cover - compiled
    y -= 1 if m <= 2 else 0
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@numba.njit(cache=True, inline="always")
def _anniversary(z: int) -> int:  # pragma: no cover - compiled
    y, m, d = _civil(z)
    if m == 2 and d == 29:
        d = 28
    return _days(y + 1, m, d)


@numba.njit(cache=True)
def _kernel(  # pragma: no cover - compiled
    nat_us: Any,
    stateless: Any,
    fhr_us: Any,
    from_us: Any,
    age: Any,
    spouse: Any,
    mode: Any,
    entry_date: Any,
    entry_minute: Any,
    entries: Any,
    claim_date: Any,
    claim_where: Any,
    transit: Any,
    family_mask: Any,
    guardian_mask: Any,
    accompanied: Any,
    parent_in: Any,
    docs_f: Any,
    visa_ca: Any,
    visa_us: Any,
    death: Any,
    us_refused: Any,
    pr_removed: Any,
    tsr: Any,
    prior: Any,
    conferred: Any,
    other_claim: Any,
    recognized: Any,
    inadmissible: Any,
    suspended_row: Any,
    asof: Any,
    params: Any,
    out_code: Any,
    out_elig: Any,
    out_stca: Any,
    out_grounds: Any,
    out_exc: Any,
) -> None:
    d_stca = params[0]
    d_tsr = params[1]
    d_c97 = params[2]
    d_c1 = params[3]
    d_covid = params[4]
    d_prot = params[5]
    prot_min = params[6]
    d_prior = params[7]
    d_c2 = params[8]
    d_c12 = params[9]
    window = params[10]
    adult = params[11]
    removed = params[12]
    suspended = params[13] != 0
    a3 = params[14] != 0
    a5 = params[15] != 0
    a10 = params[16] != 0
    k_entries = entries.shape[1]
    for i in range(asof.shape[0]):
        a = asof[i]
        claim = claim_date[i]
        e_day = entry_date[i]
        dd = claim - e_day
        md = mode[i]
        grounds = 0
        exc = 0
        stca = 0  # NOT_IN_FORCE
        if a < d_stca or suspended or suspended_row[i]:
            stca = 0
        else:
            route = 0  # 0 none, 1 land POE, 2 between, 3 transit
            if md == _M_AIRPORT:
                if transit[i]:
                    route = 3
            elif md == _M_BETWEEN:
                after = False
                if d_prot != _NEVER and a >= d_prot:
                    if e_day > d_prot:
                        after = True
                    elif e_day == d_prot:
                        mi = entry_minute[i]
                        after = mi < 0 or mi >= prot_min
                if a3 and d_prot != _NEVER and claim >= d_prot:
                    after = True
                if after and dd <= window - 1:
                    route = 2
            elif md == _M_LAND:
                if claim_where[i] == 0 or a5:
                    route = 1
            if nat_us[i] or ((stateless[i] or a10) and fhr_us[i]) or not from_us[i] or route == 0:
                stca = 1  # NOT_APPLICABLE
            else:
                minor = age[i] >= 0 and age[i] < adult
                m = family_mask[i]
                if minor:
                    m |= guardian_mask[i]
                if minor and not accompanied[i] and not spouse[i] and not parent_in[i]:
                    m |= _X_E
                if docs_f[i]:
                    m |= _X_F
                if visa_ca[i] == 0 and visa_us[i] == 1:
                    m |= _X_G
                if us_refused[i]:
                    m |= _X_H1
                if pr_removed[i]:
                    m |= _X_H2
                if route == 3:
                    m = 0
                if death[i] == 1:
                    m |= _X_6A
                elif death[i] == 2:
                    m |= _X_6B
                if tsr[i] and a < d_tsr:
                    m |= _X_6C
                m &= ~removed
                exc = m
                if m != 0:
                    stca = 2  # EXCEPTION
                else:
                    stca = 3  # APPLIES
                    grounds |= _G_E
        # ---- other grounds ----
        if conferred[i]:
            grounds |= _G_A
        pc = prior[i]
        if pc == _PC_REJ:
            grounds |= _G_B
        if a >= d_c12 and claim >= d_c2:
            first = _NEVER
            if e_day > d_covid:
                first = e_day
            for j in range(k_entries):
                x = entries[i, j]
                if x > d_covid and x < first:
                    first = x
            if first != _NEVER and claim > _anniversary(first):
                grounds |= _G_B1
            if md == _M_BETWEEN and dd >= window and d_prot <= a:
                grounds |= _G_B2
        if pc != 0 and pc != _PC_REJ:
            carve = a >= d_prior and pc == _PC_E and us_refused[i]
            if not carve:
                grounds |= _G_C
        if a >= d_c1 and claim >= d_c97 and other_claim[i]:
            grounds |= _G_C1
        if recognized[i]:
            grounds |= _G_D
        if inadmissible[i]:
            grounds |= _G_F
        out_grounds[i] = grounds
        out_exc[i] = exc
        out_stca[i] = stca
        if grounds == 0:
            out_elig[i] = True
            out_code[i] = stca  # NOT_IN_FORCE 0, NOT_APPLICABLE 1, EXCEPTION 2
        else:
            out_elig[i] = False
            out_code[i] = 3 if grounds & _G_E else 4
