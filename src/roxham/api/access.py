"""Access control and connection limits for serving beyond this computer.

- :func:`caller` — the owner of the request: ``None`` when no token is configured (the open
  laptop mode), else the SHA-256 of the client's ``Authorization: Bearer`` token (401 for a
  missing or wrong one). Runs are owned by that hash (:mod:`roxham.store.ownership`).
- :class:`HostAllowListMiddleware` — 400 for a ``Host`` not on the allow-list.
- :class:`BodyTimeoutMiddleware` — 408 when a client stalls while sending its body.
- :class:`HeaderTimeoutH11Protocol` — uvicorn's HTTP/1.1 protocol that closes a connection
  whose request line and headers do not arrive within a time limit (slowloris), which
  uvicorn's own keep-alive timeout does not cover.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from fastapi import Request

from roxham.api.security import ASGIApp, Message, Receive, Scope, Send, call_guarded
from roxham.store.ownership import token_hash

__all__ = [
    "BodyTimeoutMiddleware",
    "HostAllowListMiddleware",
    "Unauthorized",
    "caller",
    "header_timeout_protocol",
]


class Unauthorized(Exception):
    """A missing or wrong access token (→ 401)."""


def caller(request: Request) -> str | None:
    """The token hash of the request's caller; ``None`` when the server has no tokens."""
    tokens: tuple[str, ...] = request.app.state.settings.tokens
    if not tokens:
        return None
    auth = request.headers.get("authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("this server needs an access token: Authorization: Bearer TOKEN")
    given_hash = token_hash(given.strip())
    ok = False
    for t in tokens:  # compare every token, in constant time
        ok |= hmac.compare_digest(token_hash(t), given_hash)
    if not ok:
        raise Unauthorized("access token not accepted")
    return given_hash


class _BodyTimeout(Exception):
    pass


class BodyTimeoutMiddleware:
    """Answer 408 when the next chunk of a request body takes longer than ``timeout_s``."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # after the body, receive() waits for a disconnect: no limit
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout_s)
            except TimeoutError:
                raise _BodyTimeout from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await call_guarded(self.app, scope, timed_receive, send, _BodyTimeout, self._reject)

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"detail": [{"loc": ["body"], "type": "request_timeout",
                                       "msg": f"request body not received within "
                                              f"{self.timeout_s:g} s"}]}).encode()
        await send({"type": "http.response.start", "status": 408, "headers": [
            (b"content-type", b"application/json"), (b"connection", b"close"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def header_timeout_protocol(timeout_s: float) -> Any:
    """A uvicorn ``http=`` protocol class (h11) that closes a connection when a request's
    line and headers are not complete ``timeout_s`` seconds after the connection opened or
    the previous response ended. A request being answered is never cut."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11Protocol(H11Protocol):
        _hdr_timer: asyncio.TimerHandle | None = None
        _armed_cycle: Any = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._armed_cycle = self.cycle
            self._hdr_timer = self.loop.call_later(timeout_s, self._on_timeout)

        def _disarm(self) -> None:
            if self._hdr_timer is not None:
                self._hdr_timer.cancel()
                self._hdr_timer = None

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not self._armed_cycle:  # a request's headers arrived
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and (
                    self.cycle is None or self.cycle.response_complete):
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _on_timeout(self) -> None:
            self._hdr_timer = None
            busy = self.cycle is not None and not self.cycle.response_complete
            if not busy and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutH11Protocol


def _host_name(header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets.

    >>> _host_name("[::1]:8000"), _host_name("LocalHost:80"), _host_name("example.org")
    ('::1', 'localhost', 'example.org')
    """
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:].split("]", 1)[0]
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


class HostAllowListMiddleware:
    """Answer 400 to a request whose ``Host`` is not in ``allowed`` (DNS rebinding: a page
    of another site resolved to this computer sends that site's name). ``*`` allows any;
    ``*.example.org`` allows subdomains."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.any = "*" in allowed
        self.exact = {h.lower() for h in allowed if not h.startswith("*")}
        self.suffixes = tuple(h[1:].lower() for h in allowed if h.startswith("*."))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = _host_name(value.decode("latin-1"))
                break
        if host in self.exact or (self.suffixes and host.endswith(self.suffixes)):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": [{"loc": ["header", "host"], "type": "host_not_allowed",
                                       "msg": "Host header not allowed on this server "
                                              "(see ROXHAM_ALLOWED_HOSTS)"}]}).encode()
        await send({"type": "http.response.start", "status": 400, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
