"""The one exception type for mistakes a user can fix.

Library code raises :class:`UserError` (or a subclass) when input is wrong: a malformed facts
file, an unknown scenario key, an impossible date, a missing data file. The CLI turns it into a
single line on stderr and exit code 2; the API turns it into a 4xx response. Anything else that
escapes is a bug in Roxham and is allowed to show a traceback.

>>> try:
...     raise UserError("facts.json: field 'age': must be >= 0")
... except UserError as e:
...     print(e)
facts.json: field 'age': must be >= 0
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input that the user can fix; the message names what is wrong and where."""


def format_validation_error(err: object, where: str = "") -> str:
    """Render a :class:`pydantic.ValidationError` as one line naming the bad field(s).

    ``where`` is prefixed (e.g. a file name). Only the first three problems are listed.
    Values supplied by the user are *not* echoed (they may be personal facts).
    """
    errors = getattr(err, "errors", None)
    if errors is None:
        return f"{where}: {err}" if where else str(err)
    parts = []
    items = errors(include_input=False, include_url=False)
    for e in items[:3]:
        loc = ".".join(str(p) for p in e.get("loc", ())) or "(root)"
        parts.append(f"field '{loc}': {e.get('msg', 'invalid')}")
    if len(items) > 3:
        parts.append(f"and {len(items) - 3} more problem(s)")
    msg = "; ".join(parts)
    return f"{where}: {msg}" if where else msg
