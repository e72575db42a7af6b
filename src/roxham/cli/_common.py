"""Shared CLI plumbing: one clear line and exit code 2 for user errors, never a traceback.

Anything else that escapes a command (a bug) is one ``internal error`` line and exit code
:data:`EXIT_INTERNAL`; ``ROXHAM_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from roxham.errors import UserError, format_validation_error

try:  # typer >= 0.24 vendors click as typer._click
    from typer._click import exceptions as _click_exc
except ImportError:  # pragma: no cover - older typer with the external click
    from click import exceptions as _click_exc  # type: ignore[no-redef]

#: Console for human output (stdout).
console = Console(highlight=False)
#: Console for errors and progress (stderr).
err_console = Console(stderr=True, highlight=False)

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
#: An unexpected error (a bug in Roxham), reported in one line (``EX_SOFTWARE``).
EXIT_INTERNAL = 70


def fail(message: str) -> NoReturn:
    """Raise a :class:`UserError`; the runner prints it as one line and exits 2."""
    raise UserError(message)


def _print_error(message: str) -> None:
    # One line, no markup interpretation (messages may contain brackets).
    sys.stderr.write(f"error: {message.strip().splitlines()[0] if message.strip() else message}\n")
    sys.stderr.flush()


def _internal(e: BaseException) -> int:
    if os.environ.get("ROXHAM_DEBUG") == "1":
        traceback.print_exception(e)
    else:
        detail = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
        _print_error(f"internal error ({e.__class__.__name__}{': ' + detail if detail else ''}); "
                     "please report it (ROXHAM_DEBUG=1 shows the traceback)")
    return EXIT_INTERNAL


def run_app(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the Typer app and map errors to exit codes.

    - :class:`UserError` and pydantic validation errors → one line on stderr, exit 2;
    - click usage errors (unknown option, missing argument) → click's message, exit 2;
    - ``typer.Exit(code)`` → that code;
    - nesting too deep, integers of more than 4,300 digits, non-UTF-8 text, OS errors (file
      missing, a directory, disk full) → one line, exit 2;
    - anything else → one ``internal error`` line, exit :data:`EXIT_INTERNAL` (the traceback
      only with ``ROXHAM_DEBUG=1``).
    """
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="roxham")
    except UserError as e:
        _print_error(str(e))
        return EXIT_BAD_INPUT
    except ValidationError as e:
        _print_error(format_validation_error(e))
        return EXIT_BAD_INPUT
    except _click_exc.UsageError as e:
        e.show()
        return EXIT_BAD_INPUT
    except typer.Abort:
        _print_error("aborted")
        return 130
    except typer.Exit as e:
        return int(e.exit_code)
    except KeyboardInterrupt:
        _print_error("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except RecursionError:
        _print_error("input nested too deeply")
        return EXIT_BAD_INPUT
    except MemoryError:
        _print_error("out of memory (input too large?)")
        return EXIT_BAD_INPUT
    except OSError as e:  # disk full, permission denied, a directory where a file is expected
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        _print_error(f"{where}{e.strerror or e.__class__.__name__}")
        return EXIT_BAD_INPUT
    except UnicodeError as e:
        _print_error(f"input is not valid UTF-8 text ({e.__class__.__name__})")
        return EXIT_BAD_INPUT
    except ValueError as e:
        if "digits" in str(e) and "integer" in str(e):  # int() of > 4,300 digits
            _print_error("an integer in the input has more than 4300 digits")
            return EXIT_BAD_INPUT
        return _internal(e)
    except Exception as e:  # a bug: one line, the traceback only on request
        return _internal(e)
    # In non-standalone mode click returns the code of ``typer.Exit(code)`` instead of raising.
    return rv if isinstance(rv, int) else EXIT_OK
