"""The web chat (`/`) and the operator console (`/admin`): the static files of api/ui/, served
with a strict Content-Security-Policy (docs/api.md, "Web UI").

Only the files that ship in api/ui/ are served, by name: no part of a request path reaches the
file system. The pages hold no key: the browser asks for one and keeps it in sessionStorage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from core.errors import NotFound

UI_DIR = Path(__file__).resolve().parents[1] / "ui"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Scripts and styles from this origin only, never inline; no plugin, frame, font or remote
# fetch. Trusted Types with no policy make every HTML sink (innerHTML, outerHTML,
# insertAdjacentHTML, document.write) throw: document text can only reach the page as text.
# Images: this origin and blob: (eval charts are fetched with the key, then shown as blobs).
CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "connect-src 'self'",
    "form-action 'none'",  # no form ever submits: a key can never end up in a URL
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # Revalidated on every load (a 304 when unchanged): an upgrade shows at once, and a stale
    # script never runs against a newer API.
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


@cache
def assets() -> dict[str, Asset]:
    """Every file of api/ui/ by name, read once per process (they are a few dozen kB)."""
    found = {}
    for path in sorted(UI_DIR.iterdir()):
        if path.suffix in TYPES and path.is_file():
            body = path.read_bytes()
            found[path.name] = Asset(body, TYPES[path.suffix],
                                     f'"{hashlib.sha256(body).hexdigest()[:16]}"')
    return found


def _serve(name: str, request: Request) -> Response:
    asset = assets().get(name)
    if asset is None:
        raise NotFound(f"no such file of the web UI: {name!r}")
    headers = {**HEADERS, "ETag": asset.etag}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/")
def chat(request: Request) -> Response:
    return _serve("index.html", request)


@router.get("/admin")
def console(request: Request) -> Response:
    return _serve("admin.html", request)


@router.get("/ui/{name}")
def asset(name: str, request: Request) -> Response:
    return _serve(name, request)
