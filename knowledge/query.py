"""Read-only queries for the custom actions: plain dataclasses, one short session per call.

Ordering rule for a region: that region's rows first, then national ones, then the other
regions' (most recent document first), each group in the order of the data files. Without a
region, national rows come first. Where documents disagree, every version is returned, each
with its own source, region and date.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from knowledge import models, names, topics
from knowledge.db import make_engine, session_scope
from knowledge.geography import NATIONAL
from knowledge.types import (
    Comparison,
    ComparisonRow,
    Contact,
    CptsExample,
    Fact,
    Funding,
    GlossaryEntry,
    LegalForm,
    MedicoSocialStructure,
    Platform,
    Procedure,
    Region,
    Source,
    Structure,
)

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def _grouped(
    session: Session, statement: Select, key: Callable[[Any], K], value: Callable[[Any], V]
) -> dict[K, list[V]]:
    """The rows of `statement` grouped by `key`, each group in the statement's order."""
    groups: dict[K, list[V]] = {}
    for row in session.execute(statement).scalars():
        groups.setdefault(key(row), []).append(value(row))
    return groups


class UnknownRegionError(ValueError):
    """A region argument that is neither a region id nor a region or département name."""


class KnowledgeBase:
    """The knowledge base behind the assistant's answers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, pool_size: int = 5, max_overflow: int = 5) -> KnowledgeBase:
        return cls(make_engine(url, pool_size=pool_size, max_overflow=max_overflow))

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _sources(session: Session, files: Collection[str] | None = None) -> dict[str, Source]:
        """Source documents by file name: all of them, or only `files`."""
        statement = select(models.SourceRow).order_by(models.SourceRow.position)
        if files is not None:
            statement = statement.where(models.SourceRow.file.in_(files))
        rows = session.execute(statement).scalars()
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
            for row in rows
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
        synonyms = _grouped(
            session,
            select(models.StructureSynonymRow)
            .where(models.StructureSynonymRow.structure_id.in_([row.id for row in rows]))
            .order_by(models.StructureSynonymRow.position),
            attrgetter("structure_id"),
            attrgetter("synonym"),
        )
        return [Structure(row.id, row.acronym, row.name, tuple(synonyms.get(row.id, ()))) for row in rows]

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
        found = _grouped(
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
            statement = select(models.FactRow).order_by(models.FactRow.position)
            return [
                Fact(row.structure_id, row.topic, row.text, row.quote, sources[row.source_file])
                for row in session.execute(statement).scalars()
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

    def glossary_entries(self) -> list[GlossaryEntry]:
        """The whole glossary, in data-file order."""
        with session_scope(self.engine) as session:
            ids = session.execute(select(models.GlossaryRow.id).order_by(models.GlossaryRow.position))
            return [self._glossary_entry(session, glossary_id) for glossary_id in ids.scalars().all()]

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
        statement = (
            select(models.FundingRow)
            .where(models.FundingRow.structure_id == structure_id)
            .order_by(models.FundingRow.position)
        )
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
            for row in session.execute(statement).scalars()
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
            procedures = (
                session.execute(
                    select(models.ProcedureRow)
                    .where(models.ProcedureRow.structure_id == sid)
                    .order_by(models.ProcedureRow.position)
                )
                .scalars()
                .all()
            )
            steps = _grouped(
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

    # ------------------------------------------------------------------ directory

    def contacts(self, region: str | None = None, structure_id: str | None = None) -> list[Contact]:
        """Contacts, region order; with a structure, those named for it come first in each group.

        Contacts named for other structures only are left out.
        """
        region_id = self._region(region)
        sid = self._structure_id(structure_id)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            links = _grouped(
                session,
                select(models.ContactStructureRow),
                attrgetter("contact_id"),
                attrgetter("structure_id"),
            )
            statement = select(models.ContactRow).order_by(models.ContactRow.position)
            contacts = [
                Contact(
                    name=row.name,
                    region=row.region,
                    topics=tuple(json.loads(row.topics)),
                    phone=row.phone,
                    email=row.email,
                    url=row.url,
                    address=row.address,
                    source=sources[row.source_file],
                    structures=tuple(links.get(row.id, ())),
                    quote=row.quote,
                )
                for row in session.execute(statement).scalars()
            ]
        if sid is not None:
            contacts = [item for item in contacts if not item.structures or sid in item.structures]
            contacts.sort(key=lambda item: sid not in item.structures)
        return self._ordered(contacts, region_id, lambda contact: contact.source)

    def glossary(self, term: str) -> GlossaryEntry | None:
        """The entry for an acronym, alias or expansion, ignoring case, accents and hyphens."""
        key = names.normalise_name(term).replace(" ", "")
        if not key:
            return None
        with session_scope(self.engine) as session:
            found = self._glossary_id(session, key)
            if found is None and key.endswith("s") and len(key) > 2:
                # "sisas", "SCMs": the singular form.
                found = self._glossary_id(session, key[:-1])
            if found is None:
                # A structure named in words ("maison de santé") finds its acronym's entry.
                structure_id = names.resolve_structure(term)
                structure = session.get(models.StructureRow, structure_id) if structure_id else None
                if structure is not None:
                    found = self._glossary_id(
                        session, names.normalise_name(structure.acronym).replace(" ", "")
                    )
            return None if found is None else self._glossary_entry(session, found)

    @staticmethod
    def _glossary_id(session: Session, key: str) -> int | None:
        return session.execute(
            select(models.GlossaryKeyRow.glossary_id).where(models.GlossaryKeyRow.key == key)
        ).scalar_one_or_none()

    def _glossary_entry(self, session: Session, glossary_id: int) -> GlossaryEntry:
        row = session.get(models.GlossaryRow, glossary_id)
        citations = (
            session.execute(
                select(models.GlossaryCitationRow)
                .where(models.GlossaryCitationRow.glossary_id == glossary_id)
                .order_by(models.GlossaryCitationRow.position)
            )
            .scalars()
            .all()
        )
        aliases = (
            session.execute(
                select(models.GlossaryKeyRow.key).where(
                    models.GlossaryKeyRow.glossary_id == glossary_id, models.GlossaryKeyRow.kind == "alias"
                )
            )
            .scalars()
            .all()
        )
        sources = self._sources(session, {citation.source_file for citation in citations})
        unique_sources = list(
            {citation.source_file: sources[citation.source_file] for citation in citations}.values()
        )
        return GlossaryEntry(
            term=row.term,
            expansion=row.expansion,
            note=row.note,
            sources=tuple(unique_sources),
            developed=row.developed,
            quotes=tuple(citation.quote for citation in citations),
            aliases=tuple(aliases),
        )

    def legal_forms(self) -> list[LegalForm]:
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            rows = session.execute(
                select(models.LegalFormRow).order_by(models.LegalFormRow.position)
            ).scalars()
            return [self._legal_form(row, sources) for row in rows]

    def legal_form(self, form_id: str) -> LegalForm | None:
        """A legal form by id or acronym ("sisa", "SISA", "association loi 1901")."""
        key = names.normalise_name(form_id)
        with session_scope(self.engine) as session:
            # Names are compared normalised (case, accents), which SQL cannot do: only the keys
            # are read to find the id, then that one row.
            keys = session.execute(
                select(models.LegalFormRow.id, models.LegalFormRow.acronym).order_by(
                    models.LegalFormRow.position
                )
            )
            found = next(
                (
                    row_id
                    for row_id, acronym in keys
                    if key in (names.normalise_name(row_id), names.normalise_name(acronym))
                ),
                None,
            )
            row = session.get(models.LegalFormRow, found) if found is not None else None
            if row is None:
                return None
            return self._legal_form(row, self._sources(session, [row.source_file]))

    @staticmethod
    def _legal_form(row: models.LegalFormRow, sources: dict[str, Source]) -> LegalForm:
        return LegalForm(
            id=row.id,
            acronym=row.acronym,
            name=row.name,
            professionals=row.professionals,
            cpts_membership=row.cpts_membership,
            purpose=row.purpose,
            minimum_partners=row.minimum_partners,
            contributions=row.contributions,
            liability=row.liability,
            summary=row.summary,
            quote=row.quote,
            source=sources[row.source_file],
        )

    def medico_social(self) -> list[MedicoSocialStructure]:
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            rows = session.execute(
                select(models.MedicoSocialRow).order_by(models.MedicoSocialRow.position)
            ).scalars()
            return [
                MedicoSocialStructure(
                    id=row.id,
                    acronym=row.acronym,
                    name=row.name,
                    objective=row.objective,
                    services=row.services,
                    nursing_care=row.nursing_care,
                    practice=row.practice,
                    status=row.status,
                    funding=row.funding,
                    ars_approval=row.ars_approval,
                    inclusion_criteria=row.inclusion_criteria,
                    summary=row.summary,
                    quote=row.quote,
                    source=sources[row.source_file],
                )
                for row in rows
            ]

    def platforms(self, department: str | None = None) -> list[Platform]:
        """PTA of the documents; with a département (code or name), only those covering it."""
        code = self._department(department)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            departments = _grouped(
                session,
                select(models.PlatformDepartmentRow).order_by(models.PlatformDepartmentRow.position),
                attrgetter("platform_id"),
                attrgetter("department"),
            )
            statement = select(models.PlatformRow).order_by(models.PlatformRow.position)
            if code is not None:
                statement = statement.where(
                    models.PlatformRow.id.in_(
                        select(models.PlatformDepartmentRow.platform_id).where(
                            models.PlatformDepartmentRow.department == code
                        )
                    )
                )
            return [
                Platform(
                    name=row.name,
                    territory=row.territory,
                    phone=row.phone,
                    departments=tuple(departments.get(row.id, ())),
                    source=sources[row.source_file],
                    note=row.note,
                    quote=row.quote,
                )
                for row in session.execute(statement).scalars()
            ]

    def cpts_examples(self, department: str | None = None) -> list[CptsExample]:
        """The Occitanie CPTS table; with a département (code or name), those in it."""
        code = self._department(department)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            departments = _grouped(
                session,
                select(models.CptsExampleDepartmentRow).order_by(models.CptsExampleDepartmentRow.position),
                attrgetter("example_id"),
                attrgetter("department"),
            )
            objectives = _grouped(
                session,
                select(models.CptsExampleObjectiveRow).order_by(models.CptsExampleObjectiveRow.position),
                attrgetter("example_id"),
                attrgetter("text"),
            )
            statement = select(models.CptsExampleRow).order_by(models.CptsExampleRow.position)
            if code is not None:
                statement = statement.where(
                    models.CptsExampleRow.id.in_(
                        select(models.CptsExampleDepartmentRow.example_id).where(
                            models.CptsExampleDepartmentRow.department == code
                        )
                    )
                )
            return [
                CptsExample(
                    name=row.name,
                    departments=tuple(departments.get(row.id, ())),
                    initiative=row.initiative,
                    objectives=tuple(objectives.get(row.id, ())),
                    population=row.population,
                    population_text=row.population_text,
                    source=sources[row.source_file],
                    note=row.note,
                    quote=row.quote,
                )
                for row in session.execute(statement).scalars()
            ]

    @staticmethod
    def _department(department: str | None) -> str | None:
        if department is None or not department.strip():
            return None
        code = names.resolve_department(department)
        if code is None:
            raise ValueError(f"Département inconnu : {department!r}")
        return code
