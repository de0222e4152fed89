"""Liveness and readiness probes (no auth: orchestrators call them)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import LoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(lore: LoreDep) -> JSONResponse:
    version = lore.active.peek()
    degraded = lore.active.degraded
    broken: dict[str, Any] = {"degraded": asdict(degraded)} if degraded else {}
    # The model chain's breakers: informative only, the extractive answerer still answers.
    if lore.gateway is not None:
        broken["providers"] = lore.gateway.status()
    if version is None:
        detail = lore.active.not_ready_reason()
        return JSONResponse({"status": "not ready", "detail": detail, **broken}, 503)
    return JSONResponse({"status": "degraded" if degraded else "ready", "version": version,
                         **broken})
