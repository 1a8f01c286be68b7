"""Read-only queries for the custom actions: plain dataclasses, one short session per call.

One module per kind of question, each a mixin over :class:`~knowledge.query.base.QueryBase`
(the engine, the source documents and the region ordering rule every query follows):
`structures` (facts, funding, steps, comparison), `directory` (contacts, platforms, example
CPTS), `reference` (glossary, legal forms, medico-social structures). Actions see one object,
:class:`KnowledgeBase`.
"""

from __future__ import annotations

from knowledge.db import make_engine
from knowledge.query.base import UnknownRegionError
from knowledge.query.directory import DirectoryQueries
from knowledge.query.reference import ReferenceQueries
from knowledge.query.structures import StructureQueries

__all__ = ["KnowledgeBase", "UnknownRegionError"]


class KnowledgeBase(StructureQueries, DirectoryQueries, ReferenceQueries):
    """The knowledge base behind the assistant's answers."""

    @classmethod
    def from_url(cls, url: str, pool_size: int = 5, max_overflow: int = 5) -> KnowledgeBase:
        return cls(make_engine(url, pool_size=pool_size, max_overflow=max_overflow))
