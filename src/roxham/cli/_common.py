"""Shared CLI plumbing: one clear line and exit code 2 for user errors, never a traceback."""

from __future__ import annotations

import sys
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


def fail(message: str) -> NoReturn:
    """Raise a :class:`UserError`; the runner prints it as one line and exits 2."""
    raise UserError(message)


def _print_error(message: str) -> None:
    # One line, no markup interpretation (messages may contain brackets).
    sys.stderr.write(f"error: {message.strip().splitlines()[0] if message.strip() else message}\n")
    sys.stderr.flush()


def run_app(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the Typer app and map errors to exit codes.

    - :class:`UserError` and pydantic validation errors → one line on stderr, exit 2;
    - click usage errors (unknown option, missing argument) → click's message, exit 2;
    - ``typer.Exit(code)`` → that code.
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
    # In non-standalone mode click returns the code of ``typer.Exit(code)`` instead of raising.
    return rv if isinstance(rv, int) else EXIT_OK
