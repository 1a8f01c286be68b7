"""Reference tables: the glossary, the legal forms, the medico-social structures."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import models, names
from knowledge.db import session_scope
from knowledge.query.base import QueryBase, in_order
from knowledge.types import GlossaryEntry, LegalForm, MedicoSocialStructure, Source

T = TypeVar("T")


class ReferenceQueries(QueryBase):
    """Queries about terms and forms, independent of any region."""

    def glossary_entries(self) -> list[GlossaryEntry]:
        """The whole glossary, in data-file order."""
        with session_scope(self.engine) as session:
            ids = session.execute(select(models.GlossaryRow.id).order_by(models.GlossaryRow.position))
            return [self._glossary_entry(session, glossary_id) for glossary_id in ids.scalars().all()]

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
        citations = in_order(
            session, models.GlossaryCitationRow, models.GlossaryCitationRow.glossary_id == glossary_id
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
            return [
                self._table_row(LegalForm, row, sources) for row in in_order(session, models.LegalFormRow)
            ]

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
            return self._table_row(LegalForm, row, self._sources(session, [row.source_file]))

    @staticmethod
    def _table_row(kind: type[T], row: Any, sources: dict[str, Source]) -> T:
        """A row of a document's table as `kind`: each field is the column of that name, but the source."""
        values = {item.name: getattr(row, item.name) for item in fields(kind) if item.name != "source"}
        return kind(**values, source=sources[row.source_file])

    def medico_social(self) -> list[MedicoSocialStructure]:
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            return [
                self._table_row(MedicoSocialStructure, row, sources)
                for row in in_order(session, models.MedicoSocialRow)
            ]
