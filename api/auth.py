"""API keys with two roles: readers ask and search, admins also manage versions."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

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
    # Constant-time comparison: key checks must not leak prefixes through timing. As bytes:
    # compare_digest refuses str with non-ASCII characters, and a header may hold any.
    given = key.encode()
    return any(secrets.compare_digest(given, k.encode()) for k in keys)


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


# Declared as security schemes, so the OpenAPI document shows how to authenticate; neither
# raises on its own: a missing key is answered by role_of, in the error shape of every error.
_BEARER = HTTPBearer(auto_error=False, description="Authorization: Bearer <key>")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <key>")


# The dependencies below are `async` because they never block: FastAPI runs a sync dependency
# in its thread pool, one hand-off each per request.
async def api_key(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    header: Annotated[str | None, Depends(_HEADER)],
) -> str | None:
    """The key presented: a Bearer token wins over X-API-Key. An Authorization header that
    holds no Bearer key is refused, not skipped: a client sending a wrong credential must
    learn it, whatever else it sends."""
    if bearer is not None and bearer.credentials.strip():
        return bearer.credentials.strip()
    if request.headers.get("authorization") is not None and not is_open(
            request.app.state.settings):
        raise Unauthenticated("the Authorization header must be 'Bearer <key>'")
    return header


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
