"""``roxham screen``: STCA eligibility for one facts file, or a CSV batch as JSON Lines.

Facts are read, decided and printed; they are never written to disk or logs.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from roxham.cli._common import console
from roxham.errors import UserError, format_validation_error

_LANGS = ("en", "fr")
#: How many "what would change it" suggestions a single screening shows.
_MAX_CHANGES = 8


def _parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{what}: expected a date YYYY-MM-DD") from None


def _read_text(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot read ({e.__class__.__name__})") from None


M = TypeVar("M", bound=BaseModel)


def _read_model(path: Path, model: type[M], expected: str) -> M:
    """``model`` validated from the JSON file at ``path`` (``-``: stdin); one
    :class:`UserError` line naming the file (and line, column or field) otherwise."""
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise UserError(f"{path}: invalid JSON (line {e.lineno}, column {e.colno})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise UserError(format_validation_error(e, str(path))) from None


def _result(det: Any, lang: str, trace: bool = False) -> dict[str, Any]:
    from roxham.law import explain

    out: dict[str, Any] = det.to_dict(trace=trace)
    out["explanation"] = explain(det, lang)  # type: ignore[arg-type]
    return out


def screen_one(
    facts_path: Path, as_of: str | None, lang: str, trace: bool = False, reform: Any = None
) -> dict[str, Any]:
    """Decide one facts file; returns the JSON object of ``--json``."""
    from roxham.law import Facts, determine, what_would_change
    from roxham.law.overlay import orders_in_effect
    from roxham.law.steps import next_steps

    facts = _read_model(facts_path, Facts, "a JSON object of facts")
    day = _parse_date(as_of, "--as-of") if as_of else facts.claim.date
    det = determine(facts, day, reform, lang=lang, today=dt.date.today())  # ``lang`` too
    out = _result(det, lang, trace)
    changes = what_would_change(facts, day, reform, base=det)[:_MAX_CHANGES]
    out["what_would_change"] = [{**c.to_dict(), "text": c.describe(lang)} for c in changes]
    out["next_steps"] = next_steps(det.result_code, list(det.grounds), lang)
    out["orders"] = orders_in_effect(facts, lang)
    return out


#: Key of a row the CSV parser refused (see :func:`csv_rows`).
_CSV_ERROR = "\x00csv_error"


def screen_rows(
    rows: Iterable[dict[str, str]], lang: str, reform: Any = None
) -> Iterator[dict[str, Any]]:
    """Decide CSV rows (``as_of_date``, ``facts`` and passthrough columns), one dict per row.

    A bad row yields its passthrough columns and an ``error``; the others are still decided.
    """
    from roxham.law import Facts, determine

    for i, row in enumerate(rows, start=1):
        out: dict[str, Any] = {k: v for k, v in row.items()
                               if k not in ("facts", None, _CSV_ERROR)}
        try:
            if _CSV_ERROR in row:
                raise UserError(f"CSV: {row[_CSV_ERROR]}")
            raw = row.get("facts")
            if raw is None or not raw.strip():
                raise UserError("missing facts")
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as e:
                raise UserError(f"facts: invalid JSON (column {e.colno})") from None
            if not isinstance(data, dict):
                raise UserError("facts: expected a JSON object")
            try:
                facts = Facts.model_validate(data)
            except ValidationError as e:
                raise UserError(format_validation_error(e, "facts")) from None
            as_of_text = (row.get("as_of_date") or "").strip()
            day = _parse_date(as_of_text, "as_of_date") if as_of_text else facts.claim.date
            out.update(
                _result(determine(facts, day, reform, lang=lang, today=dt.date.today()), lang)
            )
        except UserError as e:
            out["error"] = f"row {i}: {e}"
        except RecursionError:
            out["error"] = f"row {i}: facts: nested too deeply"
        except ValueError as e:  # e.g. an integer of more than 4,300 digits
            what = "an integer has more than 4300 digits" if "digits" in str(e) else "invalid"
            out["error"] = f"row {i}: facts: {what}"
        except Exception as e:  # one row's failure never aborts the stream
            out["error"] = f"row {i}: internal error ({e.__class__.__name__})"
        yield out


def csv_rows(reader: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    """The rows of ``reader``; a row the CSV parser refuses (e.g. a field over the CSV field
    size limit) becomes a row whose ``facts`` is missing, so it fails alone."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield {_CSV_ERROR: str(e)[:200]}


def _load_reform(path: Path | None) -> Any:
    """A :class:`roxham.law.Reform` from a JSON or YAML file, or None."""
    if path is None:
        return None
    import yaml

    from roxham.law import Reform

    text = _read_text(path)
    try:
        data = yaml.safe_load(text)  # JSON is YAML
    except yaml.YAMLError:
        raise UserError(f"{path}: invalid JSON/YAML") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of reform fields")
    try:
        return Reform.model_validate(data)
    except ValidationError as e:
        raise UserError(format_validation_error(e, str(path))) from None


def _check_lang(lang: str) -> str:
    if lang not in _LANGS:
        raise UserError(f"--lang: expected one of {', '.join(_LANGS)}")
    return lang


#: Labels of the human-readable output, per language.
LABELS: dict[str, dict[str, str]] = {
    "en": {"grounds": "Grounds", "irpa": "IRPA", "provisions": "Provisions",
           "flags": "Ambiguities touched",
           "trace": "Trace: every provision evaluated (see `roxham law show ID`)",
           "cols": "provision|version|value|inputs / note",
           "changes": "What would change the answer (one fact at a time):",
           "steps": "Next steps:"},
    "fr": {"grounds": "Motifs", "irpa": "LIPR", "provisions": "Dispositions",
           "flags": "Ambiguïtés en jeu",
           "trace": "Trace : chaque disposition évaluée (voir `roxham law show ID`)",
           "cols": "disposition|version|valeur|données / note",
           "changes": "Ce qui changerait la réponse (un fait à la fois) :",
           "steps": "Étapes suivantes :"},
}


def _print_human(res: dict[str, Any], lang: str = "en") -> None:
    from rich.text import Text

    lab = LABELS.get(lang, LABELS["en"])
    sep = " : " if lang == "fr" else ": "
    ok = res["eligible"]
    console.print(Text(res["result_code"], style="bold green" if ok else "bold red"))
    console.print(Text(f"STCA{sep}{res['stca_status']}"))
    if res["grounds"]:
        console.print(Text(lab["grounds"] + sep
                           + ", ".join(f"{lab['irpa']} {g}" for g in res["grounds"])))
    if res["provisions"]:
        console.print(Text(lab["provisions"] + sep + "; ".join(res["provisions"])))
    if res["flags"]:
        console.print(Text(lab["flags"] + sep + ", ".join(res["flags"])))
    console.print()
    console.print(Text(res["explanation"]))
    if res.get("trace"):
        from rich.table import Table

        table = Table(title=lab["trace"])
        for col in lab["cols"].split("|"):
            table.add_column(col)
        for step in res["trace"]:
            inputs = ", ".join(f"{k}={v}" for k, v in step["inputs"].items())
            text = "; ".join(x for x in (inputs, step["note"]) if x)
            table.add_row(
                Text(step["provision"]), Text(step["version"]), Text(str(step["value"])), Text(text)
            )
        console.print()
        console.print(table)
    for order in res.get("orders") or []:
        console.print()
        console.print(Text(f"⚠ {order['text']}", style="bold yellow"))
    steps = res.get("next_steps") or []
    if steps:
        console.print()
        console.print(Text(lab["steps"], style="bold"))
        for st in steps:
            console.print(Text(f"  • {st['text']} ({st['provision']})"))
    changes = res.get("what_would_change") or []
    if changes:
        console.print()
        console.print(Text(lab["changes"], style="bold"))
        for c in changes:
            console.print(Text(f"  • {c['text']}"))


def screen_household_file(
    path: Path, as_of: str | None, lang: str, reform: Any = None
) -> dict[str, Any]:
    """Screen a household file (roxham.law.household); the law date defaults to the latest
    claim date of its members."""
    from roxham.law.household import Household, screen_household
    from roxham.law.steps import next_steps

    hh = _read_model(path, Household, 'a JSON object {"members": [...]}')
    day = (_parse_date(as_of, "--as-of") if as_of
           else max(m.facts.claim.date for m in hh.members))
    results = screen_household(hh, day, reform, lang=lang, today=dt.date.today())
    members = []
    for r in results:
        out = _result(r.determination, lang)
        out["id"] = r.id
        out["read_from"] = r.read_from
        out["next_steps"] = next_steps(r.determination.result_code,
                                       list(r.determination.grounds), lang)
        members.append(out)
    return {"as_of_date": day.isoformat(), "members": members}


def _print_human_header(member_id: str, read_from: list[str], lang: str) -> None:
    from rich.text import Text

    console.print()
    head = f"— {member_id} —"
    if read_from:
        head += (f" (lit la demande déférée de {', '.join(read_from)})" if lang == "fr"
                 else f" (reads the referred claim of {', '.join(read_from)})")
    console.print(Text(head, style="bold"))


def write_summary(facts_path: Path, as_of: str | None, out: Path, reform: Any = None) -> None:
    """Write the printable summary of ``facts_path`` to ``out`` (asked by the user)."""
    from roxham.law import Facts
    from roxham.law.summary import summary_html

    data = json.loads(_read_text(facts_path))  # already validated by screen_one
    facts = Facts.model_validate(data)
    day = _parse_date(as_of, "--as-of") if as_of else facts.claim.date
    html = summary_html(facts, day, reform, today=dt.date.today())
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as e:
        raise UserError(f"{out}: cannot write the summary ({e.strerror})") from None


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command."""

    @app.command("screen")
    def screen(
        facts_file: Annotated[
            Path | None,
            typer.Argument(help="Facts JSON file (keys of docs/law/RULES.md §2); - for stdin."),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Day eligibility is determined (default: claim date)."),
        ] = None,
        lang: Annotated[str, typer.Option("--lang", help="Explanation language: en or fr.")] = "en",
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        trace: Annotated[
            bool, typer.Option("--trace", help="Also show every provision evaluated.")
        ] = False,
        reform_file: Annotated[
            Path | None,
            typer.Option("--reform", help="Apply a reform (JSON/YAML of roxham.law.Reform)."),
        ] = None,
        summary: Annotated[
            Path | None,
            typer.Option(
                "--summary",
                help="Also write a printable bilingual summary (HTML) for a client file.",
            ),
        ] = None,
        household: Annotated[
            Path | None,
            typer.Option(
                "--household",
                help="JSON of people arriving together: {members: [{id, facts, relations}]}.",
            ),
        ] = None,
        batch: Annotated[
            Path | None,
            typer.Option(
                "--batch",
                help="CSV with columns as_of_date and facts (JSON), others passed through; "
                "writes JSON Lines.",
            ),
        ] = None,
    ) -> None:
        """Screen STCA eligibility (IRPA s. 101(1), IRPR ss. 159.1–159.7) for facts."""
        lang = _check_lang(lang)
        reform = _load_reform(reform_file)
        if batch is not None:
            if facts_file is not None:
                raise UserError("give either FACTS_FILE or --batch, not both")
            text = _read_text(batch)
            reader = csv.DictReader(text.splitlines())
            if reader.fieldnames is None or "facts" not in reader.fieldnames:
                raise UserError(f"{batch}: CSV needs a 'facts' column (and 'as_of_date')")
            out = sys.stdout
            for res in screen_rows(csv_rows(reader), lang, reform):
                out.write(json.dumps(res, ensure_ascii=False) + "\n")
            out.flush()
            return
        if household is not None:
            if facts_file is not None:
                raise UserError("give either FACTS_FILE or --household, not both")
            res_h = screen_household_file(household, as_of, lang, reform)
            if as_json:
                sys.stdout.write(json.dumps(res_h, ensure_ascii=False) + "\n")
            else:
                for m in res_h["members"]:
                    _print_human_header(m["id"], m.get("read_from") or [], lang)
                    _print_human(m, lang)
            return
        if facts_file is None:
            raise UserError("missing FACTS_FILE (or --batch FILE.csv)")
        res = screen_one(facts_file, as_of, lang, trace, reform)
        if summary is not None:
            write_summary(facts_file, as_of, summary, reform)
        if as_json:
            sys.stdout.write(json.dumps(res, ensure_ascii=False) + "\n")
        else:
            _print_human(res, lang)
