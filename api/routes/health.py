"""Liveness and readiness probes (no auth: orchestrators call them)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServiceDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(service: ServiceDep) -> JSONResponse:
    version = service.active.peek()
    if version is None:
        return JSONResponse({"status": "not ready", "detail": service.not_ready_hint}, 503)
    return JSONResponse({"status": "ready", "version": version})
