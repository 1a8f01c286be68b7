"""The shape of each data file of `knowledge/data/`, one pydantic model per kind of entry.

A model checks what one entry can tell about itself: known fields, types, texts with their
whitespace collapsed, known topics, units and ids (`field` errors, all reported at once), then
`problems()` the rules that tie several fields of the entry together (a number of the text must
be in the quote…). What needs other files (source keys, regions, duplicates, the documents) is
checked afterwards by `knowledge.validation`. Error texts are the French ones the loader has always
printed; `knowledge.validation` adds the file, the entry and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from knowledge import names, provenance, topics
from knowledge.types import FUNDING_UNITS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"^[A-ZÀ-ÖØ-Þ0-9«(]")

# The pydantic error type of every message below: validation reports its text as is.
ERROR_TYPE = "knowledge"


def _error(message: str) -> PydanticCustomError:
    # The message goes through the context so that braces in the data are never formatted.
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message})


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not _is_text(value):
        raise _error(f"texte attendu, reçu {type(value).__name__}")
    return " ".join(str(value).split()) or None


def _required_text(value: Any) -> str:
    if value is None:
        raise _error("valeur manquante")
    text = _optional_text(value)
    if text is None:
        raise _error("valeur vide")
    return text


def _list_item(value: Any) -> str:
    if not _is_text(value) or not str(value).strip():
        raise _error("texte non vide attendu")
    return " ".join(str(value).split())


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _error("liste attendue")
    return value


def _not_empty(value: list[str]) -> list[str]:
    if not value:
        raise _error("liste vide")
    return value


def _positive_integer(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _error(f"nombre entier positif attendu, reçu {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _error(f"true ou false attendu, reçu {value!r}")
    return value


def _refusing(accepts: Callable[[Any], object], message: str) -> Any:
    """An after-validator refusing the values `accepts` says no to; `message` is formatted with one."""

    def check(value: Any) -> Any:
        if not accepts(value):
            raise _error(message.format(value=value))
        return value

    return AfterValidator(check)


def _known(allowed: Iterable[str], message: str) -> Any:
    return _refusing(frozenset(allowed).__contains__, message)


_SENTENCE = _refusing(_SENTENCE_START.match, "le texte doit commencer par une majuscule (phrase complète)")
_EMAIL_ADDRESS = _refusing(
    lambda value: not value or _EMAIL.match(value), "adresse e-mail invalide « {value} »"
)
_DEPARTMENT = _refusing(names.department_region, "département inconnu « {value} »")  # a region id or None


def _list_of(item: Any, *checks: Any, before: Any = _list) -> Any:
    """A list field of `item`; validate_default: a missing list is checked like an empty one."""
    return Annotated[
        (list[item], BeforeValidator(before), *checks, Field(default=None, validate_default=True))
    ]


Text = Annotated[str, BeforeValidator(_required_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Item = Annotated[str, BeforeValidator(_list_item)]
Texts = _list_of(Item)
RequiredTexts = _list_of(Item, AfterValidator(_not_empty))  # "liste vide" when missing or empty
PositiveInteger = Annotated[int | None, BeforeValidator(_positive_integer)]
StructureRef = Annotated[Item, _known(names.STRUCTURE_IDS, "structure inconnue « {value} »")]
StructureRefs = _list_of(StructureRef)
Departments = _list_of(Annotated[Item, _DEPARTMENT], AfterValidator(_not_empty))


def quote_problems(quote: str, values: Iterable[str | int | None]) -> Iterator[tuple[str, str]]:
    """("quote", message) for what a quote lacks on its own: a sane length, every number of `values`."""
    if len(quote) > provenance.MAX_QUOTE_LENGTH:
        yield "quote", f"citation trop longue ({len(quote)} caractères)"
    missing = provenance.missing_numbers(values, quote)
    if missing:
        yield "quote", f"nombre(s) absent(s) de la citation : {', '.join(missing)}"


class Entry(BaseModel):
    """One mapping of a data file: unknown fields are refused (a typo would be silently lost)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self) -> Iterator[tuple[str, str]]:
        """(field, message) for each rule between several fields of the entry that fails."""
        return iter(())


class Sourced(Entry):
    """An entry quoting one source document (`source` is a key of sources.yml)."""

    source: Text
    quote: Text

    def quoted_values(self) -> list[str | int | None]:
        """The values whose numbers must appear in the quote."""
        return []

    def problems(self) -> Iterator[tuple[str, str]]:
        return quote_problems(self.quote, self.quoted_values())


# --------------------------------------------------------------------------- regions.yml, sources.yml


class Region(Entry):
    id: Annotated[
        Text, _known(names.REGION_NAMES, "région inconnue « {value} » (voir knowledge/geography.py)")
    ]
    name: Text

    def problems(self) -> Iterator[tuple[str, str]]:
        if names.REGION_NAMES[self.id] != self.name:
            yield "name", f"le nom doit être « {names.REGION_NAMES[self.id]} »"


class Source(Entry):
    key: Text
    file: Text
    publisher: Text
    kind: OptionalText = None
    title: Text
    region: Text
    date: Text
    date_label: Text
    quote: Text

    def problems(self) -> Iterator[tuple[str, str]]:
        return quote_problems(self.quote, [])


# --------------------------------------------------------------------------- structures/*.yml, general.yml


class StructureHeader(Entry):
    id: Annotated[
        Text, _known(names.STRUCTURE_IDS, "structure inconnue « {value} » (voir knowledge/names.py)")
    ]
    acronym: Text
    name: Text
    synonyms: Texts

    def problems(self) -> Iterator[tuple[str, str]]:
        named = [("acronym", self.acronym), ("name", self.name)]
        named += [(f"synonyms[{index}]", synonym) for index, synonym in enumerate(self.synonyms)]
        for field_name, synonym in named:
            if names.resolve_structure(synonym) != self.id:
                yield field_name, f"« {synonym} » n'est pas reconnu par knowledge/names.py"


class Fact(Sourced):
    topic: Annotated[Text, _known(topics.ALL_TOPICS, "sujet inconnu « {value} » (voir knowledge/topics.py)")]
    text: Annotated[Text, _SENTENCE]

    def quoted_values(self) -> list[str | int | None]:
        return [self.text]


class Funding(Sourced):
    label: Text
    funder: Text
    amount_min: PositiveInteger = None
    amount_max: PositiveInteger = None
    amount_avg: PositiveInteger = None
    unit: Annotated[
        Text, _known(FUNDING_UNITS, "unité inconnue « {value} » (connues : " + ", ".join(FUNDING_UNITS) + ")")
    ]
    conditions: OptionalText = None
    text: Text

    def quoted_values(self) -> list[str | int | None]:
        return [
            self.label,
            self.funder,
            self.conditions or "",
            self.text,
            self.amount_min,
            self.amount_max,
            self.amount_avg,
        ]

    def problems(self) -> Iterator[tuple[str, str]]:
        low, high, average = self.amount_min, self.amount_max, self.amount_avg
        if low is not None and high is not None and low > high:
            yield "amount_max", f"montant maximum {high} inférieur au minimum {low}"
        if (low is None) != (high is None):
            yield "amount_max" if high is None else "amount_min", "donner le minimum et le maximum ensemble"
        if average is not None and low is not None and high is not None and not low <= average <= high:
            yield "amount_avg", "la moyenne doit être comprise entre le minimum et le maximum"
        yield from super().problems()


class Procedure(Sourced):
    title: Text
    steps: RequiredTexts

    def quoted_values(self) -> list[str | int | None]:
        return [self.title, *self.steps]


# --------------------------------------------------------------------------- contacts.yml, glossary.yml


class Contact(Sourced):
    name: Text
    structures: StructureRefs
    topics: RequiredTexts
    phone: OptionalText = None
    email: Annotated[OptionalText, _EMAIL_ADDRESS] = None
    url: OptionalText = None
    address: OptionalText = None

    def quoted_values(self) -> list[str | int | None]:
        return [self.phone, self.address]

    def problems(self) -> Iterator[tuple[str, str]]:
        # E-mail and web addresses are copied, never retyped: they must be in the quote as is.
        normalised_quote = " ".join(provenance.quote_segments(self.quote))
        for field_name in ("email", "url"):
            value = getattr(self, field_name)
            if value and provenance.normalise(value) not in normalised_quote:
                yield field_name, "doit apparaître tel quel dans la citation"
        yield from super().problems()


class Citation(Sourced):
    pass


def _citations(value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _error("au moins une citation (source et quote) est attendue")
    return value


Citations = _list_of(Citation, before=_citations)


class GlossaryEntry(Entry):
    term: Text
    expansion: Text
    developed: Annotated[bool, BeforeValidator(_flag)] = True
    note: OptionalText = None
    aliases: Texts
    citations: Citations

    def problems(self) -> Iterator[tuple[str, str]]:
        quotes = " ".join(citation.quote for citation in self.citations)
        spoken = " " + names.normalise_name(provenance.normalise(quotes)) + " "
        wanted = [names.normalise_name(provenance.normalise(word)) for word in (self.term, *self.aliases)]
        if not any(f" {word} " in spoken for word in wanted):
            yield "citations", f"aucune citation ne contient le sigle « {self.term} »"
        missing = provenance.missing_numbers([self.expansion, self.note or ""], quotes)
        if missing:
            yield "note", f"nombre(s) absent(s) des citations : {', '.join(missing)}"


# --------------------------------------------------------------------------- tables of the documents


class TableRow(Sourced):
    """A row of a document's table: its names, then its cells (the summary last) in each subclass."""

    id: Text
    acronym: Text
    name: Text

    @classmethod
    def cells(cls) -> tuple[str, ...]:
        """The fields a subclass adds, in order: every one is shown, so its numbers are quoted."""
        return tuple(name for name in cls.model_fields if name not in TableRow.model_fields)

    def quoted_values(self) -> list[str | int | None]:
        return [getattr(self, name) for name in self.cells()]


class LegalForm(TableRow):
    professionals: OptionalText = None
    cpts_membership: OptionalText = None
    purpose: OptionalText = None
    minimum_partners: OptionalText = None
    contributions: OptionalText = None
    liability: OptionalText = None
    summary: Text


class MedicoSocial(TableRow):
    objective: OptionalText = None
    services: OptionalText = None
    nursing_care: OptionalText = None
    practice: OptionalText = None
    status: OptionalText = None
    funding: OptionalText = None
    ars_approval: OptionalText = None
    inclusion_criteria: OptionalText = None
    summary: Text


class Platform(Sourced):
    name: Text
    territory: Text
    departments: Departments
    phone: OptionalText = None
    note: OptionalText = None

    def quoted_values(self) -> list[str | int | None]:
        return [self.name, self.territory, self.phone, self.note or ""]

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.phone is None and not self.note:
            yield "note", "sans téléphone, une note doit dire pourquoi"
        yield from super().problems()


class CptsExample(Sourced):
    name: Text
    departments: Departments
    initiative: OptionalText = None
    objectives: Texts
    population: PositiveInteger = None
    population_text: Text
    note: OptionalText = None

    def quoted_values(self) -> list[str | int | None]:
        return [
            self.name,
            self.initiative,
            self.population_text,
            self.note or "",
            self.population,
            *self.objectives,
        ]

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.population is not None and str(self.population) not in provenance.numbers(
            self.population_text
        ):
            yield "population_text", f"doit contenir la population {self.population}"
        yield from super().problems()
