"""FastAPI dependencies: settings and the service loaded once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lore.qa import QAService
from lore.settings import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_service(request: Request) -> QAService:  # async: no thread-pool hand-off
    return request.app.state.service


ServiceDep = Annotated[QAService, Depends(get_service)]
