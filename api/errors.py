"""The one place where lore's errors become HTTP responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import (
    BadInput,
    Conflict,
    Forbidden,
    LoreError,
    NotFound,
    NotReady,
    Unauthenticated,
)

STATUS: dict[type[LoreError], int] = {
    BadInput: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    NotReady: 503,
}


def status_for(exc: LoreError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p != "body") or "body"


def problem(error: dict[str, Any]) -> str:
    """One validation error as the caller can act on it."""
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "JSON decode error")
        return f"the body is not valid JSON: {reason} (at character {error['loc'][-1]})"
    if tuple(error["loc"]) == ("body",):
        return "send a JSON object with 'Content-Type: application/json'"
    return f"{_where(tuple(error['loc']))}: {error['msg']}"


def _json(
    error: str, detail: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(LoreError)
    async def lore_error(request: Request, exc: LoreError) -> JSONResponse:
        # RFC 9110: a 401 names the scheme to use; a 403 is final, nothing to retry with.
        challenge = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return _json(type(exc).__name__, str(exc), status_for(exc), challenge)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json("BadInput", "; ".join(problem(e) for e in exc.errors()), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        # Unknown routes and wrong methods answer in the same shape as every other error.
        detail = f"{request.method} {request.url.path}: {exc.detail}"
        return _json("HTTPError", detail, exc.status_code, exc.headers)
