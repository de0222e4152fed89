"""The one place where lore's errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from lore.errors import (
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


def install(app: FastAPI) -> None:
    @app.exception_handler(LoreError)
    async def lore_error(request: Request, exc: LoreError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Forbidden) else None
        return JSONResponse(
            {"error": type(exc).__name__, "detail": str(exc)}, status_for(exc), headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{_where(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"error": "BadInput", "detail": "; ".join(problems)}, 422)
