"""``roxham serve``: the web app and REST API (FastAPI + Uvicorn) on this computer."""

from __future__ import annotations

import errno
import logging
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from roxham.cli._common import err_console
from roxham.errors import UserError

if TYPE_CHECKING:
    from roxham.api.settings import ApiSettings


def _check_port_free(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UserError(f"--host: cannot resolve {host!r}") from e
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise UserError(f"--port: {host}:{port} is already in use") from e
            raise UserError(f"--host/--port: cannot listen on {host}:{port}: {e.strerror}") from e


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
        db: str = typer.Option(
            "", "--db", help="Run registry: a SQLite file path or postgresql://… URL "
            "(default: runs.db in the data directory)"
        ),
        data_dir: Path = typer.Option(
            None, "--data-dir", help="Folder for run results (default: ./roxham-data)",
            file_okay=False,
        ),
        access_log: bool = typer.Option(
            False, "--access-log/--no-access-log", help="Log each request line (paths only)"
        ),
        token: str = typer.Option(
            "", "--token", help="Access token(s), comma-separated (or ROXHAM_TOKEN): runs then "
            "need 'Authorization: Bearer TOKEN' and belong to their token", show_default=False,
        ),
        allowed_hosts: str = typer.Option(
            "", "--allowed-hosts", help="Host names accepted, comma-separated (or "
            "ROXHAM_ALLOWED_HOSTS; default: loopback names and --host)", show_default=False,
        ),
    ) -> None:
        """Start the web app: screener, scenario lab, data explorer and REST API (/api/v1)."""
        try:
            import uvicorn

            from roxham.api.app import create_app
            from roxham.api.settings import ApiSettings
        except ImportError as e:
            raise UserError(
                f"the web app needs the 'web' extra (pip install 'roxham[web]'): {e.name}"
            ) from e
        settings = ApiSettings.from_env(db_url=db or None, data_dir=data_dir,
                                        token=token or None,
                                        allowed_hosts=allowed_hosts or None)
        if not allowed_hosts and host not in settings.allowed_hosts and host not in (
                "0.0.0.0", "::"):
            settings = settings.model_copy(
                update={"allowed_hosts": (*settings.allowed_hosts, host)})
        _check_port_free(host, port)
        application = create_app(settings)
        err_console.print(
            f"Roxham on http://{host}:{port}/  (API docs: /api/v1/docs; "
            f"runs in {settings.data_dir}); Ctrl+C stops."
        )
        config = uvicorn.Config(
            application, host=host, port=port, **uvicorn_options(settings), access_log=access_log,
            log_level="warning", server_header=False,
        )
        if access_log:
            # log_level="warning" also silences uvicorn's access logger (it logs at INFO):
            # --access-log had no effect; lift that logger alone, and strip query strings
            access = logging.getLogger("uvicorn.access")
            access.setLevel(logging.INFO)
            access.addFilter(_strip_query)
        uvicorn.Server(config).run()


def _strip_query(record: logging.LogRecord) -> bool:
    """Access lines show paths only: a query string may hold what a user typed."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
    return True


def uvicorn_options(settings: ApiSettings) -> dict[str, Any]:
    """The limits ``roxham serve`` gives uvicorn: keep-alive and header-read timeouts, a
    concurrency limit (503 beyond), and a 16 KiB cap on an incomplete request head."""
    from roxham.api.access import header_timeout_protocol

    return {
        "timeout_keep_alive": settings.keep_alive_s,
        "limit_concurrency": settings.max_connections,
        "h11_max_incomplete_event_size": 16 * 1024,
        "http": header_timeout_protocol(settings.header_timeout_s),
        "backlog": 256,
    }
