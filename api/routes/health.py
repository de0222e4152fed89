"""Liveness and readiness probes (no auth: orchestrators call them)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import LoreDep
from index.active import NO_ACTIVE

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(lore: LoreDep) -> JSONResponse:
    version = lore.active.peek()
    if version is None:
        return JSONResponse({"status": "not ready", "detail": NO_ACTIVE}, 503)
    return JSONResponse({"status": "ready", "version": version})
