"""Who to turn to, and where: contacts, coordination platforms (PTA), example CPTS by département."""

from __future__ import annotations

import json
from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import models, names
from knowledge.db import session_scope
from knowledge.query.base import QueryBase, grouped, in_order
from knowledge.types import Contact, CptsExample, Platform


class DirectoryQueries(QueryBase):
    """Queries about people and bodies to contact, by region or département."""

    def contacts(self, region: str | None = None, structure_id: str | None = None) -> list[Contact]:
        """Contacts, region order; with a structure, those named for it come first in each group.

        Contacts named for other structures only are left out.
        """
        region_id = self._region(region)
        sid = self._structure_id(structure_id)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            links = grouped(
                session,
                select(models.ContactStructureRow),
                attrgetter("contact_id"),
                attrgetter("structure_id"),
            )
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
                for row in in_order(session, models.ContactRow)
            ]
        if sid is not None:
            contacts = [item for item in contacts if not item.structures or sid in item.structures]
            contacts.sort(key=lambda item: sid not in item.structures)
        return self._ordered(contacts, region_id, lambda contact: contact.source)

    def platforms(self, department: str | None = None) -> list[Platform]:
        """PTA of the documents; with a département (code or name), only those covering it."""
        code = self._department(department)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            rows, departments = self._covering(
                session, models.PlatformRow, models.PlatformDepartmentRow, "platform_id", code
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
                for row in rows
            ]

    def cpts_examples(self, department: str | None = None) -> list[CptsExample]:
        """The Occitanie CPTS table; with a département (code or name), those in it."""
        code = self._department(department)
        with session_scope(self.engine) as session:
            sources = self._sources(session)
            rows, departments = self._covering(
                session, models.CptsExampleRow, models.CptsExampleDepartmentRow, "example_id", code
            )
            objectives = grouped(
                session,
                select(models.CptsExampleObjectiveRow).order_by(models.CptsExampleObjectiveRow.position),
                attrgetter("example_id"),
                attrgetter("text"),
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
                for row in rows
            ]

    @staticmethod
    def _covering(
        session: Session, model: type[Any], link: type[Any], owner: str, code: str | None
    ) -> tuple[list[Any], dict[int, list[str]]]:
        """Rows of `model` in data order (with a département code, those covering it) and the
        départements of each, read from `link`, whose `owner` column holds the row's id."""
        departments = grouped(
            session, select(link).order_by(link.position), attrgetter(owner), attrgetter("department")
        )
        covering = (
            []
            if code is None
            else [model.id.in_(select(getattr(link, owner)).where(link.department == code))]
        )
        return in_order(session, model, *covering), departments

    @staticmethod
    def _department(department: str | None) -> str | None:
        if department is None or not department.strip():
            return None
        code = names.resolve_department(department)
        if code is None:
            raise ValueError(f"Département inconnu : {department!r}")
        return code
