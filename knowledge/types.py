"""Plain, immutable values returned by `knowledge.query` (never ORM objects).

Every value that states something carries its `source` (document, region, date) and the
verbatim `quote` of the document that supports it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Units of a funding row (`Funding.unit`): how often or on what basis the money comes.
UNIT_PER_YEAR = "par an"
UNIT_PER_YEAR_PER_TEAM = "par an et par équipe"
UNIT_ONE_OFF = "en une fois"
UNIT_START_UP = "au démarrage"
UNIT_PER_MISSION = "par mission"
UNIT_OVER_5_YEARS = "sur 5 ans"
UNIT_PER_ACT = "à l'acte"
UNIT_BY_INDICATORS = "selon indicateurs"
UNIT_UNSPECIFIED = "non précisé"
FUNDING_UNITS: tuple[str, ...] = (
    UNIT_PER_YEAR,
    UNIT_PER_YEAR_PER_TEAM,
    UNIT_ONE_OFF,
    UNIT_START_UP,
    UNIT_PER_MISSION,
    UNIT_OVER_5_YEARS,
    UNIT_PER_ACT,
    UNIT_BY_INDICATORS,
    UNIT_UNSPECIFIED,
)


@dataclass(frozen=True)
class Source:
    """One of the source documents."""

    file: str
    publisher: str
    title: str
    region: str
    region_name: str
    date: str
    date_label: str
    kind: str = ""

    @property
    def reference(self) -> str:
        """ "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)"."""
        title = f"{self.kind} « {self.title} »" if self.kind else f"« {self.title} »"
        return f"{title}, {self.publisher} ({self.region_name}, {self.date_label})"


@dataclass(frozen=True)
class Structure:
    id: str
    acronym: str
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    structure: str | None
    topic: str
    text: str
    quote: str
    source: Source

    @property
    def region(self) -> str:
        return self.source.region


@dataclass(frozen=True)
class Funding:
    """One source of money. Amounts in euros; a fixed amount has min == max."""

    structure: str | None
    label: str
    funder: str
    amount_min: int | None
    amount_max: int | None
    amount_avg: int | None
    unit: str
    conditions: str
    text: str
    quote: str
    source: Source

    @property
    def region(self) -> str:
        return self.source.region

    @property
    def has_amount(self) -> bool:
        return any(value is not None for value in (self.amount_min, self.amount_max, self.amount_avg))


@dataclass(frozen=True)
class Procedure:
    """Ordered creation steps of a structure, as one document gives them."""

    structure: str
    title: str
    steps: tuple[str, ...]
    quote: str
    source: Source


@dataclass(frozen=True)
class Contact:
    name: str
    region: str
    topics: tuple[str, ...]
    phone: str | None
    email: str | None
    url: str | None
    address: str | None
    source: Source
    structures: tuple[str, ...] = ()
    quote: str = ""


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansion: str
    note: str
    sources: tuple[Source, ...]
    # False when the documents use the acronym without spelling it out.
    developed: bool = True
    quotes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalForm:
    """A row of the PACA table of legal forms (None: the table says nothing)."""

    id: str
    acronym: str
    name: str
    professionals: str | None
    cpts_membership: str | None
    purpose: str | None
    minimum_partners: str | None
    contributions: str | None
    liability: str | None
    summary: str
    quote: str
    source: Source


@dataclass(frozen=True)
class MedicoSocialStructure:
    """A column of the PACA table of social and medico-social structures."""

    id: str
    acronym: str
    name: str
    objective: str | None
    services: str | None
    nursing_care: str | None
    practice: str | None
    status: str | None
    funding: str | None
    ars_approval: str | None
    inclusion_criteria: str | None
    summary: str
    quote: str
    source: Source


@dataclass(frozen=True)
class Platform:
    """A plateforme territoriale d'appui. `phone` is None when the document gives none."""

    name: str
    territory: str
    phone: str | None
    departments: tuple[str, ...]
    source: Source
    note: str = ""
    quote: str = ""


@dataclass(frozen=True)
class CptsExample:
    name: str
    departments: tuple[str, ...]
    initiative: str | None
    objectives: tuple[str, ...]
    population: int | None
    population_text: str
    source: Source
    note: str = ""
    quote: str = ""


@dataclass(frozen=True)
class ComparisonRow:
    topic: str  # the criterion; its French label is in domain.yml (utter_topic_label_<topic>)
    values: dict[str, tuple[Fact, ...]]  # structure id -> facts, region order


@dataclass(frozen=True)
class Comparison:
    structures: tuple[Structure, ...]
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    has_documents: bool = False
