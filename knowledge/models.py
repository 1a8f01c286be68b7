"""Tables of the knowledge base (SQLAlchemy 1.4 declarative, portable SQLite / PostgreSQL).

Rows are written only by `knowledge.loader` (ids are assigned there, so no sequence is
needed) and read only by `knowledge.query`. Every row that states something keeps its source
file, its region (denormalised from the source, to filter and order without a join) and the
verbatim quote that supports it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

_CASCADE = {"ondelete": "CASCADE"}


def _source_fk() -> Column:
    return Column(String(80), ForeignKey("kb_source.file"), nullable=False, index=True)


def _structure_fk(nullable: bool = False) -> Column:
    return Column(String(40), ForeignKey("kb_structure.id"), nullable=nullable, index=True)


class Meta(Base):
    __tablename__ = "kb_meta"
    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False)


class RegionRow(Base):
    __tablename__ = "kb_region"
    id = Column(String(40), primary_key=True)
    name = Column(String(80), nullable=False)
    position = Column(Integer, nullable=False)


class SourceRow(Base):
    __tablename__ = "kb_source"
    file = Column(String(80), primary_key=True)
    key = Column(String(40), nullable=False, unique=True)
    publisher = Column(String(200), nullable=False)
    kind = Column(String(40), nullable=False)
    title = Column(String(300), nullable=False)
    region = Column(String(40), ForeignKey("kb_region.id"), nullable=False, index=True)
    date = Column(String(20), nullable=False)
    date_label = Column(String(40), nullable=False)
    quote = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class StructureRow(Base):
    __tablename__ = "kb_structure"
    id = Column(String(40), primary_key=True)
    acronym = Column(String(60), nullable=False)
    name = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False)


class StructureSynonymRow(Base):
    __tablename__ = "kb_structure_synonym"
    id = Column(Integer, primary_key=True, autoincrement=False)
    structure_id = Column(String(40), ForeignKey("kb_structure.id", **_CASCADE), nullable=False, index=True)
    synonym = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False)


class FactRow(Base):
    __tablename__ = "kb_fact"
    __table_args__ = (Index("ix_kb_fact_structure_topic", "structure_id", "topic"),)
    id = Column(Integer, primary_key=True, autoincrement=False)
    structure_id = _structure_fk(nullable=True)
    topic = Column(String(40), nullable=False, index=True)
    text = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    region = Column(String(40), nullable=False, index=True)
    position = Column(Integer, nullable=False)


class FundingRow(Base):
    __tablename__ = "kb_funding"
    id = Column(Integer, primary_key=True, autoincrement=False)
    structure_id = _structure_fk(nullable=True)
    label = Column(String(300), nullable=False)
    funder = Column(String(300), nullable=False)
    amount_min = Column(Integer, nullable=True)
    amount_max = Column(Integer, nullable=True)
    amount_avg = Column(Integer, nullable=True)
    unit = Column(String(40), nullable=False)
    conditions = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    region = Column(String(40), nullable=False, index=True)
    position = Column(Integer, nullable=False)


class ProcedureRow(Base):
    __tablename__ = "kb_procedure"
    id = Column(Integer, primary_key=True, autoincrement=False)
    structure_id = _structure_fk()
    title = Column(String(300), nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    region = Column(String(40), nullable=False, index=True)
    position = Column(Integer, nullable=False)


class ProcedureStepRow(Base):
    __tablename__ = "kb_procedure_step"
    id = Column(Integer, primary_key=True, autoincrement=False)
    procedure_id = Column(Integer, ForeignKey("kb_procedure.id", **_CASCADE), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class ContactRow(Base):
    __tablename__ = "kb_contact"
    id = Column(Integer, primary_key=True, autoincrement=False)
    name = Column(String(300), nullable=False)
    region = Column(String(40), nullable=False, index=True)
    phone = Column(String(40), nullable=True)
    email = Column(String(200), nullable=True)
    url = Column(String(300), nullable=True)
    address = Column(String(300), nullable=True)
    topics = Column(Text, nullable=False)  # JSON list of short French labels
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    position = Column(Integer, nullable=False)


class ContactStructureRow(Base):
    __tablename__ = "kb_contact_structure"
    contact_id = Column(Integer, ForeignKey("kb_contact.id", **_CASCADE), primary_key=True)
    structure_id = Column(String(40), ForeignKey("kb_structure.id", **_CASCADE), primary_key=True, index=True)


class GlossaryRow(Base):
    __tablename__ = "kb_glossary"
    id = Column(Integer, primary_key=True, autoincrement=False)
    term = Column(String(60), nullable=False)
    expansion = Column(String(300), nullable=False)
    note = Column(Text, nullable=False)
    developed = Column(Boolean, nullable=False)
    position = Column(Integer, nullable=False)


class GlossaryKeyRow(Base):
    """Lookup keys of a glossary entry: its term, aliases and expansion, normalised."""

    __tablename__ = "kb_glossary_key"
    key = Column(String(300), primary_key=True)
    glossary_id = Column(Integer, ForeignKey("kb_glossary.id", **_CASCADE), nullable=False, index=True)
    kind = Column(String(20), nullable=False)  # term, alias or expansion


class GlossaryCitationRow(Base):
    __tablename__ = "kb_glossary_citation"
    id = Column(Integer, primary_key=True, autoincrement=False)
    glossary_id = Column(Integer, ForeignKey("kb_glossary.id", **_CASCADE), nullable=False, index=True)
    source_file = _source_fk()
    quote = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class LegalFormRow(Base):
    __tablename__ = "kb_legal_form"
    id = Column(String(40), primary_key=True)
    acronym = Column(String(60), nullable=False)
    name = Column(String(200), nullable=False)
    professionals = Column(Text, nullable=True)
    cpts_membership = Column(Text, nullable=True)
    purpose = Column(Text, nullable=True)
    minimum_partners = Column(Text, nullable=True)
    contributions = Column(Text, nullable=True)
    liability = Column(Text, nullable=True)
    summary = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    position = Column(Integer, nullable=False)


class MedicoSocialRow(Base):
    __tablename__ = "kb_medico_social"
    id = Column(String(40), primary_key=True)
    acronym = Column(String(60), nullable=False)
    name = Column(String(200), nullable=False)
    objective = Column(Text, nullable=True)
    services = Column(Text, nullable=True)
    nursing_care = Column(Text, nullable=True)
    practice = Column(Text, nullable=True)
    status = Column(Text, nullable=True)
    funding = Column(Text, nullable=True)
    ars_approval = Column(Text, nullable=True)
    inclusion_criteria = Column(Text, nullable=True)
    summary = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    position = Column(Integer, nullable=False)


class PlatformRow(Base):
    __tablename__ = "kb_platform"
    id = Column(Integer, primary_key=True, autoincrement=False)
    name = Column(String(300), nullable=False)
    territory = Column(String(300), nullable=False)
    phone = Column(String(40), nullable=True)
    note = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    position = Column(Integer, nullable=False)


class PlatformDepartmentRow(Base):
    __tablename__ = "kb_platform_department"
    platform_id = Column(Integer, ForeignKey("kb_platform.id", **_CASCADE), primary_key=True)
    department = Column(String(3), primary_key=True, index=True)
    position = Column(Integer, nullable=False)


class CptsExampleRow(Base):
    __tablename__ = "kb_cpts_example"
    id = Column(Integer, primary_key=True, autoincrement=False)
    name = Column(String(300), nullable=False)
    initiative = Column(Text, nullable=True)
    population = Column(Integer, nullable=True)
    population_text = Column(String(300), nullable=False)
    note = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)
    source_file = _source_fk()
    position = Column(Integer, nullable=False)


class CptsExampleDepartmentRow(Base):
    __tablename__ = "kb_cpts_example_department"
    example_id = Column(Integer, ForeignKey("kb_cpts_example.id", **_CASCADE), primary_key=True)
    department = Column(String(3), primary_key=True, index=True)
    position = Column(Integer, nullable=False)


class CptsExampleObjectiveRow(Base):
    __tablename__ = "kb_cpts_example_objective"
    id = Column(Integer, primary_key=True, autoincrement=False)
    example_id = Column(Integer, ForeignKey("kb_cpts_example.id", **_CASCADE), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class CommuneRow(Base):
    """A current French commune (Etalab's `@etalab/decoupage-administratif`, see knowledge.communes)."""

    __tablename__ = "kb_commune"
    code = Column(String(5), primary_key=True)
    name = Column(String(120), nullable=False)
    key = Column(String(120), nullable=False, index=True)
    department = Column(String(3), nullable=False)
    population = Column(Integer, nullable=False)
