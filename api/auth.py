"""API keys with two roles: readers ask and search, admins also manage versions."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Header

from api.deps import SettingsDep
from core.errors import Forbidden, Unauthenticated
from lore.settings import Settings


class Role(StrEnum):
    READER = "reader"
    ADMIN = "admin"


def is_open(settings: Settings) -> bool:
    """No keys configured: local use, every route open (announced at start-up)."""
    return not (settings.serve.reader_keys or settings.serve.admin_keys)


def _matches(key: str, keys: list[str]) -> bool:
    # Constant-time comparison: key checks must not leak prefixes through timing.
    return any(secrets.compare_digest(key, k) for k in keys)


def role_of(settings: Settings, key: str | None) -> Role:
    if is_open(settings):
        return Role.ADMIN
    if not key:
        raise Unauthenticated("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
    if _matches(key, settings.serve.admin_keys):
        return Role.ADMIN
    if _matches(key, settings.serve.reader_keys):
        return Role.READER
    raise Unauthenticated("unknown API key")


# The dependencies below are `async` because they never block: FastAPI runs a sync dependency
# in its thread pool, one hand-off each per request.
async def api_key(
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return x_api_key


KeyDep = Annotated[str | None, Depends(api_key)]


async def require_reader(settings: SettingsDep, key: KeyDep) -> Role:
    return role_of(settings, key)


async def require_admin(settings: SettingsDep, key: KeyDep) -> Role:
    role = role_of(settings, key)
    if role is not Role.ADMIN:
        raise Forbidden("this route needs an admin API key")
    return role


ReaderDep = Annotated[Role, Depends(require_reader)]
AdminDep = Annotated[Role, Depends(require_admin)]
