"""What every query shares: the engine, the source documents, region and structure names.

Ordering rule for a region: that region's rows first, then national ones, then the other
regions' (most recent document first), each group in the order of the data files. Without a
region, national rows come first. Where documents disagree, every version is returned, each
with its own source, region and date.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from knowledge import models, names
from knowledge.db import session_scope
from knowledge.geography import NATIONAL
from knowledge.types import Region, Source

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def grouped(
    session: Session, statement: Select, key: Callable[[Any], K], value: Callable[[Any], V]
) -> dict[K, list[V]]:
    """The rows of `statement` grouped by `key`, each group in the statement's order."""
    groups: dict[K, list[V]] = {}
    for row in session.execute(statement).scalars():
        groups.setdefault(key(row), []).append(value(row))
    return groups


def in_order(session: Session, model: type[Any], *conditions: Any) -> list[Any]:
    """The rows of `model` meeting every condition, in data-file order."""
    return session.execute(select(model).where(*conditions).order_by(model.position)).scalars().all()


class UnknownRegionError(ValueError):
    """A region argument that is neither a region id nor a region or département name."""


class QueryBase:
    """The engine and the helpers the query mixins share (see `knowledge.query.KnowledgeBase`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _sources(session: Session, files: Collection[str] | None = None) -> dict[str, Source]:
        """Source documents by file name: all of them, or only `files`."""
        conditions = [] if files is None else [models.SourceRow.file.in_(files)]
        return {
            row.file: Source(
                file=row.file,
                publisher=row.publisher,
                title=row.title,
                region=row.region,
                region_name=names.REGION_NAMES.get(row.region, row.region),
                date=row.date,
                date_label=row.date_label,
                kind=row.kind,
            )
            for row in in_order(session, models.SourceRow, *conditions)
        }

    @staticmethod
    def _region(region: str | None) -> str | None:
        """A region id from an id or a place name; UnknownRegionError otherwise."""
        if region is None or region == "":
            return None
        resolved = names.resolve_region(region)
        if resolved is None:
            raise UnknownRegionError(f"Région inconnue : {region!r}")
        return resolved

    @staticmethod
    def _structure_id(structure_id: str | None) -> str | None:
        if structure_id is None:
            return None
        if structure_id in names.STRUCTURE_IDS:
            return structure_id
        return names.resolve_structure(structure_id)

    @staticmethod
    def _ordered(items: Iterable[T], region: str | None, source_of: Callable[[T], Source]) -> list[T]:
        """Region first, then national, then other regions (newest document first).

        `items` come in data-file order; both sorts are stable, so that order holds in each group.
        """

        def group(item: T) -> int:
            item_region = source_of(item).region
            if region not in (None, NATIONAL) and item_region == region:
                return 0
            return 1 if item_region == NATIONAL else 2

        newest_first = sorted(
            items, key=lambda item: source_of(item).date if group(item) == 2 else "", reverse=True
        )
        return sorted(newest_first, key=group)

    # ------------------------------------------------------------------ documents and regions

    def sources(self) -> list[Source]:
        with session_scope(self.engine) as session:
            return list(self._sources(session).values())

    def regions(self) -> list[Region]:
        """Every French region, flagged when a document speaks for it."""
        with session_scope(self.engine) as session:
            documented = set(session.execute(select(models.SourceRow.region)).scalars())
        return [
            Region(region_id, name, region_id in documented) for region_id, name in names.REGION_NAMES.items()
        ]
