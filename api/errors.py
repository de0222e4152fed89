"""The one place where lore's errors become HTTP responses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

from core.errors import (
    BadInput,
    Conflict,
    Forbidden,
    LoreError,
    NotFound,
    NotReady,
    Refused,
    TooManyRequests,
    Unauthenticated,
    Upstream,
    UpstreamTimeout,
)

STATUS: dict[type[LoreError], int] = {
    TooManyRequests: 429,
    BadInput: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    NotReady: 503,
    UpstreamTimeout: 504,  # before Upstream: the first class that matches decides
    Upstream: 502,
}


class ErrorOut(BaseModel):
    """Every error: what kind, and what to fix."""

    error: str
    detail: str


# Declared on every route (the OpenAPI document says what may come back, in one shape).
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in {
        400: "Bad input: the request is well-formed but unusable",
        401: "No API key, or an unknown one",
        403: "The key's role may not do this",
        404: "Unknown version or route",
        409: "Conflicts with the current state (refused promotion, no rollback target)",
        413: "The body is over the size limit",
        422: "The body does not match the schema",
        429: "A limit of the API key is reached (see Retry-After)",
        502: "No model answered and no extractive fallback is configured",
        503: "No index version can serve",
        504: "No model answered within the deadline (LORE_DEADLINE_SECONDS)",
    }.items()
}
# What Starlette says when the body bytes are not JSON at all (invalid UTF-8, a number past
# Python's 4300-digit limit); docs/api.md promises 422 BadInput for every unusable body.
_UNPARSABLE = "There was an error parsing the body"
NOT_JSON = "the body is not valid JSON: send UTF-8 text, numbers of at most 4300 digits"


def retry_after(exc: TooManyRequests) -> dict[str, str]:
    """RFC 9110: seconds, a whole number, at least 1."""
    return {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}


def status_for(exc: LoreError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p != "body") or "body"


# What a schema pattern means, said to the caller instead of the regex.
PATTERN_MEANS = {
    "question": "it is blank: send at least one visible word (control and zero-width "
                "characters do not count)",
    "source_glob": "at most 8 wildcards ('*', '?', '['): simplify the pattern",
}


def problem(error: dict[str, Any]) -> str:
    """One validation error as the caller can act on it."""
    field = str(error["loc"][-1]) if error["loc"] else ""
    if error["type"] == "string_pattern_mismatch" and field in PATTERN_MEANS:
        return f"{_where(tuple(error['loc']))}: {PATTERN_MEANS[field]}"
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
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        if isinstance(exc, TooManyRequests):
            headers = retry_after(exc)
        body: dict[str, object] = {"error": type(exc).__name__, "detail": str(exc)}
        if isinstance(exc, Refused):  # the guard's verdict, as /ask reports a flagged one
            body["guard"] = exc.verdict
        return JSONResponse(body, status_for(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json("BadInput", "; ".join(problem(e) for e in exc.errors()), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNPARSABLE:
            return _json("BadInput", NOT_JSON, 422)
        # Unknown routes and wrong methods answer in the same shape as every other error.
        detail = f"{request.method} {request.url.path}: {exc.detail}"
        headers = exc.headers
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed(request))}
        return _json("HTTPError", detail, exc.status_code, headers)


def allowed(request: Request) -> list[str]:
    """Every method some route serves at this path: Starlette names only the first route's
    (GET and POST /feedback are two routes)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": ""})
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)
