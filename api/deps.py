"""FastAPI dependencies: the settings and the query side, built once and kept on app.state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lore.admin import Admin
from lore.compose import Lore
from lore.settings import Settings


# async: these never block, and FastAPI runs a sync dependency in its thread pool.
async def get_lore(request: Request) -> Lore:
    return request.app.state.lore


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_admin(request: Request) -> Admin:
    lore: Lore = request.app.state.lore
    return Admin(request.app.state.settings, lore.registry, lore.store,
                 request.app.state.approvals, app=lore)


LoreDep = Annotated[Lore, Depends(get_lore)]
AdminOpsDep = Annotated[Admin, Depends(get_admin)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
