"""What the documents say about each structure: facts by topic, funding, creation steps, comparison."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from knowledge import models, topics
from knowledge.db import session_scope
from knowledge.query.base import QueryBase, grouped, in_order
from knowledge.types import Comparison, ComparisonRow, Fact, Funding, Procedure, Source, Structure


class StructureQueries(QueryBase):
    """Queries about the structures (MSP, CPTS, ESP…) and what the documents say of them."""

    # ------------------------------------------------------------------ structures

    def structures(self) -> list[Structure]:
        with session_scope(self.engine) as session:
            return self._structures(
                session, select(models.StructureRow).order_by(models.StructureRow.position)
            )

    def structure(self, structure_id: str) -> Structure | None:
        """The structure with this id (or name: "maison de santé"), None when unknown."""
        wanted = self._structure_id(structure_id)
        if wanted is None:
            return None
        with session_scope(self.engine) as session:
            found = self._structures(
                session, select(models.StructureRow).where(models.StructureRow.id == wanted)
            )
        return found[0] if found else None

    @staticmethod
    def _structures(session: Session, statement: Select) -> list[Structure]:
        rows = session.execute(statement).scalars().all()
        synonyms = grouped(
            session,
            select(models.StructureSynonymRow)
            .where(models.StructureSynonymRow.structure_id.in_([row.id for row in rows]))
            .order_by(models.StructureSynonymRow.position),
            attrgetter("structure_id"),
            attrgetter("synonym"),
        )
        return [Structure(row.id, row.acronym, row.name, tuple(synonyms.get(row.id, ()))) for row in rows]

    # ------------------------------------------------------------------ facts

    def facts(self, structure_id: str | None, topic: str, region: str | None = None) -> list[Fact]:
        """Facts about one structure (None: coordinated practice in general) and one topic.

        For FUNDING, the funding rows are returned as facts too (those with an amount first).
        """
        region_id = self._region(region)
        sid = self._structure_id(structure_id)
        if structure_id is not None and sid is None:
            return []
        with session_scope(self.engine) as session:
            found = self._facts(session, [sid], [topic])
        return self._ordered(found.get((sid, topic), []), region_id, lambda fact: fact.source)

    def _facts(
        self, session: Session, structure_ids: Sequence[str | None], wanted_topics: Sequence[str]
    ) -> dict[tuple[str | None, str], list[Fact]]:
        """(structure id, topic) -> facts in data order, funding rows included, in one pass."""
        sources = self._sources(session)
        named = [sid for sid in structure_ids if sid is not None]
        conditions = [models.FactRow.structure_id.in_(named)] if named else []
        if None in structure_ids:
            conditions.append(models.FactRow.structure_id.is_(None))
        if not conditions:
            return {}
        statement = (
            select(models.FactRow)
            .where(models.FactRow.topic.in_(wanted_topics), or_(*conditions))
            .order_by(models.FactRow.position)
        )
        found = grouped(
            session,
            statement,
            attrgetter("structure_id", "topic"),
            lambda row: Fact(row.structure_id, row.topic, row.text, row.quote, sources[row.source_file]),
        )
        if topics.FUNDING in wanted_topics:
            for sid in named:
                rows = sorted(self._funding(session, sources, sid), key=lambda row: not row.has_amount)
                found[(sid, topics.FUNDING)] = [
                    Fact(item.structure, topics.FUNDING, item.text, item.quote, item.source) for item in rows
                ] + found.get((sid, topics.FUNDING), [])
        return found

    def all_facts(self) -> list[Fact]:
        """Every fact of every structure and topic (general ones included), data-file order."""
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            return [
                Fact(row.structure_id, row.topic, row.text, row.quote, sources[row.source_file])
                for row in in_order(session, models.FactRow)
            ]

    def all_funding(self) -> list[Funding]:
        """Every funding row of every structure, data-file order."""
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            structure_ids = session.execute(
                select(models.StructureRow.id).order_by(models.StructureRow.position)
            ).scalars()
            return [row for sid in structure_ids for row in self._funding(session, sources, sid)]

    def all_procedures(self) -> list[Procedure]:
        """The creation steps of every structure, one procedure per document."""
        return [procedure for item in self.structures() for procedure in self.steps(item.id)]

    def available_topics(self, structure_id: str, region: str | None = None) -> list[str]:
        """Topics with at least one fact for the structure, in topics.ALL_TOPICS order."""
        self._region(region)
        sid = self._structure_id(structure_id)
        with session_scope(self.engine) as session:
            present = set(
                session.execute(
                    select(models.FactRow.topic).where(models.FactRow.structure_id == sid)
                ).scalars()
            )
            if session.execute(
                select(models.FundingRow.id).where(models.FundingRow.structure_id == sid)
            ).first():
                present.add(topics.FUNDING)
            if session.execute(
                select(models.ProcedureRow.id).where(models.ProcedureRow.structure_id == sid)
            ).first():
                present.add(topics.CREATION)
        return [topic for topic in topics.ALL_TOPICS if topic in present]

    # ------------------------------------------------------------------ funding and steps

    @staticmethod
    def _funding(session: Session, sources: dict[str, Source], structure_id: str) -> list[Funding]:
        return [
            Funding(
                structure=row.structure_id,
                label=row.label,
                funder=row.funder,
                amount_min=row.amount_min,
                amount_max=row.amount_max,
                amount_avg=row.amount_avg,
                unit=row.unit,
                conditions=row.conditions,
                text=row.text,
                quote=row.quote,
                source=sources[row.source_file],
            )
            for row in in_order(session, models.FundingRow, models.FundingRow.structure_id == structure_id)
        ]

    def funding(self, structure_id: str, region: str | None = None) -> list[Funding]:
        """Every source of money for a structure; rows with an amount come first in each group."""
        region_id = self._region(region)
        sid = self._structure_id(structure_id)
        if sid is None:
            return []
        with session_scope(self.engine) as session:
            rows = self._funding(session, self._sources(session), sid)
        rows = sorted(rows, key=lambda row: not row.has_amount)
        return self._ordered(rows, region_id, lambda row: row.source)

    def steps(self, structure_id: str, region: str | None = None) -> list[Procedure]:
        """Ordered creation steps, one procedure per document that gives them."""
        region_id = self._region(region)
        sid = self._structure_id(structure_id)
        if sid is None:
            return []
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            procedures = in_order(session, models.ProcedureRow, models.ProcedureRow.structure_id == sid)
            steps = grouped(
                session,
                select(models.ProcedureStepRow)
                .where(models.ProcedureStepRow.procedure_id.in_([row.id for row in procedures]))
                .order_by(models.ProcedureStepRow.procedure_id, models.ProcedureStepRow.position),
                attrgetter("procedure_id"),
                attrgetter("text"),
            )
            result = [
                Procedure(
                    row.structure_id,
                    row.title,
                    tuple(steps.get(row.id, ())),
                    row.quote,
                    sources[row.source_file],
                )
                for row in procedures
            ]
        return self._ordered(result, region_id, lambda procedure: procedure.source)

    # ------------------------------------------------------------------ comparison

    def compare(self, structure_ids: Sequence[str], region: str | None = None) -> Comparison:
        """Side by side, one row per criterion of topics.COMPARISON_TOPICS that has any fact."""
        wanted: list[str] = []
        for structure_id in structure_ids:
            sid = self._structure_id(structure_id)
            if sid is not None and sid not in wanted:
                wanted.append(sid)
        region_id = self._region(region)
        with session_scope(self.engine) as session:
            known = {
                item.id: item
                for item in self._structures(
                    session, select(models.StructureRow).where(models.StructureRow.id.in_(wanted))
                )
            }
            structures = tuple(known[sid] for sid in wanted if sid in known)
            found = self._facts(session, [item.id for item in structures], topics.COMPARISON_TOPICS)
        rows = []
        for topic in topics.COMPARISON_TOPICS:
            values = {
                item.id: tuple(
                    self._ordered(found.get((item.id, topic), []), region_id, lambda fact: fact.source)
                )
                for item in structures
            }
            if any(values.values()):
                rows.append(ComparisonRow(topic, values))
        return Comparison(structures, tuple(rows))
