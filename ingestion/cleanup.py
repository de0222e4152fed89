"""Drop the data of versions the registry gave up: crashed builds and those past retention."""

from __future__ import annotations

from index.base import IndexStore, VersionRegistry


def drop(store: IndexStore, version: str) -> None:
    if store.exists(version):
        store.drop(version)


def reap(store: IndexStore, registry: VersionRegistry) -> list[str]:
    """Builds whose builder died (kill -9, power cut) -> failed, their shards removed."""
    stale = registry.reap()
    for version in stale:
        drop(store, version)
    return stale


def retain(store: IndexStore, registry: VersionRegistry, keep: int) -> list[str]:
    """Keep the newest `keep` versions besides the active one and the rollback target."""
    gone = registry.retain(keep)
    for version in gone:
        drop(store, version)
    return gone
