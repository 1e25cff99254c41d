"""What guards every request: body size, access token, Host and Origin checks, response headers.

Plain ASGI middleware, so a refused request is answered before any form is parsed.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "attribution_token"
TOKEN_QUERY = "token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

#: Pages: no external anything; scripts only with the page's nonce.
PAGE_CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; base-uri 'none'; frame-ancestors 'self'"
)
#: Stored HTML reports: their own inline scripts and styles run, in a sandbox with no network.
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; "
    "sandbox allow-scripts allow-popups"
)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _wants_json(scope: Scope, headers: dict[str, str]) -> bool:
    return scope.get("path", "").startswith("/api/") or "application/json" in headers.get("accept", "")


async def _refuse(scope: Scope, send: Send, status: int, message: str, extra: list | None = None) -> None:
    headers = _headers(scope)
    if _wants_json(scope, headers):
        body = json.dumps({"detail": message}).encode("utf-8")
        content_type = b"application/json"
    else:
        from html import escape

        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>attribution: "
            f"{status}</title></head><body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
            f"<h1>{status}</h1><p>{escape(message)}</p><p><a href='/'>Back to the start page</a></p></body></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())] + (extra or []),
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestTooLarge(HTTPException):
    """Raised while the body streams in; an ``HTTPException`` so the framework passes it through."""

    def __init__(self, message: str):
        super().__init__(status_code=413, detail=message)


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, from the header or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: str) -> str:
        return (
            f"The upload is {size}; the limit for one request is {self.max_bytes / 1024**2:.0f} MB. "
            "Split it or upload fewer documents."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _headers(scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _refuse(scope, send, 413, self._message(f"{int(length) / 1024**2:.1f} MB"))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self._message(f"more than {self.max_bytes / 1024**2:.0f} MB"))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLarge as exc:
            if not started:
                await _refuse(scope, send, 413, exc.detail)


class AccessGuard:
    """Host and Origin checks always; the access token when the server is not on loopback.

    The token is accepted as ``Authorization: Bearer TOKEN``, as the ``attribution_token``
    cookie, or once as ``?token=TOKEN`` on a page, which sets the cookie and drops it from the URL.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, allowed_hosts: list[str] | None):
        self.app = app
        self.token = token
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    def _host_ok(self, host: str) -> bool:
        if self.allowed_hosts is None:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in self.allowed_hosts or host.lower() in self.allowed_hosts

    def _token_ok(self, candidate: str | None) -> bool:
        return (
            candidate is not None
            and candidate != ""
            and self.token is not None
            and hmac.compare_digest(candidate.encode("utf-8"), self.token.encode("utf-8"))
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if not self._host_ok(host):
            # A page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) lands here.
            await _refuse(scope, send, 400, f"Host {host!r} is not served here; open http://127.0.0.1 instead.")
            return
        origin = headers.get("origin")
        if scope["method"] in UNSAFE_METHODS and origin and origin != "null":
            if urlsplit(origin).netloc.lower() != host.lower():
                await _refuse(
                    scope, send, 403, "Cross-site request refused: submit the form from this server's own page."
                )
                return
        if self.token is None:
            await self.app(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        bearer = headers.get("authorization", "")
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is the same as none
            cookie = SimpleCookie()
        if bearer.lower().startswith("bearer ") and self._token_ok(bearer[7:].strip()):
            await self.app(scope, receive, send)
            return
        if TOKEN_COOKIE in cookie and self._token_ok(cookie[TOKEN_COOKIE].value):
            await self.app(scope, receive, send)
            return
        if self._token_ok(query.get(TOKEN_QUERY)) and scope["method"] == "GET":
            rest = urlencode(
                [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k != TOKEN_QUERY]
            )
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            cookie_value = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", location.encode()),
                        (b"set-cookie", cookie_value.encode()),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await _refuse(
            scope,
            send,
            401,
            "This server needs its access token: open the address the 'attribution serve' command printed "
            "(it ends in ?token=...), or send 'Authorization: Bearer TOKEN'.",
            [(b"www-authenticate", b"Bearer")],
        )


class SecurityHeaders:
    """Headers on every response: no sniffing, no referrer, framing only by this server."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"cache-control", b"no-store"),
                ):
                    if name not in names:
                        headers.append((name, value))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", b"default-src 'none'; frame-ancestors 'self'"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
