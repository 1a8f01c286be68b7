"""Disagreements between source documents: the same point stated with different values.

Facts are free French sentences (no value field), so comparable values are derived from each
row's `text` (and, to tell which aid a funding row is about, its `quote`) by a few narrow
extractors, one per *dimension*:

| dimension | topic | value read from the text |
| --- | --- | --- |
| `population` | any | numbers just before "habitants" ("de 40 000 à plus de 175 000 habitants") |
| `doctors` | members | minimum number of doctors ("au moins deux médecins", "1 médecin") |
| `professionals` | members | minimum number ("deux professionnels", plural only) or share ("10 % des") |
| `duration` | any but references/examples/statistics | "5 ans", "deux ans", "18 mois" |
| `aci`, `fir` | funding | euro amounts of that aid, or "aucun" ("pas de financement spécifique") |
| `approach` | approach | patientèle / population |
| `status` | status | libéral / salarié |
| `legal_form` | legal_form | no imposed form / association loi 1901 / several managers possible |

Two rows disagree when they share structure, topic and dimension, come from different
documents, and their documents' value sets differ. The population of a structure is one point
wherever a document files it (PACA gives the CPTS population under "approach" and "territory",
Doctolib under "territory"), so that dimension is compared across topics. A funding amount is
compared only with the same aid (ACI with ACI, FIR with FIR): two different aids are not a
disagreement. Numbers a document states twice count once. The extractors were checked against
every row of the data files (see docs/knowledge-conflicts.md); what they cannot read (a legal
structure "obligatoire" without a form, two statements inside one document) is listed there as
left out.

Pure functions over rows: the answer code runs `disagreements` on the rows it is about to show,
and `python -m knowledge conflicts` runs `find_conflicts` over the whole knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from text_to_num import text2num

from knowledge import topics
from knowledge.types import Funding, Source
from textnorm import fold, format_number

# What each dimension measures, for the document listing the disagreements.
DIMENSION_LABELS: dict[str, str] = {
    "population": "population (habitants)",
    "doctors": "nombre minimal de médecins",
    "professionals": "nombre minimal de professionnels de santé",
    "duration": "durée",
    "aci": "montant de l'ACI",
    "fir": "montant du FIR",
    "approach": "approche (patientèle ou population)",
    "status": "statut des professionnels",
    "legal_form": "forme juridique imposée",
}

_NUMBER_WORDS = "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente"
# "175 000", "175\u202f000", "7500", "10": the PDF and the data files space thousands every way.
_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+"
_NUMBER = rf"(?:{_DIGITS}|\b(?:{_NUMBER_WORDS})\b)"

_HABITANTS = re.compile(r"habitants?\b")
_DOCTORS = re.compile(rf"({_NUMBER})\s+(?:autres?\s+)?(medecins?)\b")
_PROFESSIONALS = re.compile(rf"({_NUMBER})\s+(autres?\s+)?professionnels\b")
_PROFESSIONALS_SHARE = re.compile(r"(\d+)\s*% des professionnels\b")
_DURATION = re.compile(rf"({_NUMBER})\s+(ans|annees|mois)\b")
_EUROS = re.compile(rf"(?:\bde\s+({_DIGITS})\s+a\s+)?({_DIGITS})\s*(?:€|euros?\b)")
_NO_FUNDING = re.compile(r"\bpas de financement|\baucun financement")
_FAMILIES = (
    ("aci", re.compile(r"\baci\b|accord conventionnel interprofessionnel|remuneration d'equipe")),
    ("fir", re.compile(r"\bfir\b|fonds? d'intervention regional")),
)
_APPROACH = (
    ("patientèle", re.compile(r"\bpatientele")),
    ("population", re.compile(r"\bpopulation|\bhabitants\b")),
)
_STATUS = (
    ("libéral", re.compile(r"\blibera(?:l|le|les|ux)\b")),
    ("salarié", re.compile(r"\bsalarie(?:e|s|es)?\b")),
)
_LEGAL_FORM = (
    (
        "aucune forme imposée",
        re.compile(
            r"non impose|aucun(?:e)? (?:statut|forme)[^.;]*(?:obligatoire|impose)"
            r"|pas de normes|sans statut specifique"
        ),
    ),
    (
        "association loi 1901",
        re.compile(
            r"(?:forme|structure) juridique ?: association loi 1901(?! ?et)|toujours la forme associative"
        ),
    ),
    ("plusieurs gestionnaires possibles", re.compile(r"\bgestionnaire\b|peut etre geree")),
)
# Dimensions that are the same point whatever topic a row is filed under.
_TOPIC_FREE = {"population"}
# Dates and numbered texts, not values: "loi n°2016-41", "au premier décembre 2018".
_NO_DURATION_TOPICS = {topics.LEGAL_REFERENCES, topics.EXAMPLES, topics.STATISTICS}


class Row(Protocol):
    """A fact or a funding row: what the answers show."""

    text: str
    quote: str
    source: Source


class KnowledgeBaseLike(Protocol):
    """What `find_conflicts` reads: `knowledge.query.KnowledgeBase` or a stand-in."""

    def structures(self) -> Sequence[Any]: ...

    def facts(self, structure_id: str | None, topic: str, region: str | None = None) -> Sequence[Row]: ...


@dataclass(frozen=True)
class Version:
    """What one document says on the disputed point, and the rows that say it."""

    source: Source
    values: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Conflict:
    """Documents that give different values for one dimension of one structure and topic."""

    structure: str | None
    topics: tuple[str, ...]  # one, except for a dimension compared across topics
    dimension: str
    versions: tuple[Version, ...]  # document order of the rows given

    @property
    def id(self) -> str:
        """ "cpts/territory/population", "cpts/approach+territory/population"."""
        return f"{self.structure or 'general'}/{'+'.join(self.topics)}/{self.dimension}"


def _number(token: str) -> int:
    token = token.strip()
    if token[0].isdigit():
        return int(re.sub(r"\D", "", token))
    return 1 if token in ("un", "une") else int(text2num(token, "fr"))


def _format(number: int) -> str:
    return format_number(number)


def _topic(row: Row) -> str:
    return topics.FUNDING if isinstance(row, Funding) else getattr(row, "topic", "")


def _structure(row: Row) -> str | None:
    return getattr(row, "structure", None)


def _family(text: str, quote: str) -> str | None:
    """Which aid a funding row is about: its text says it, else its quote ("FIR 7 500€")."""
    for said in (text, quote):
        folded = fold(said)
        for family, pattern in _FAMILIES:
            if pattern.search(folded):
                return family
    return None


def _labels(text: str, lexicon: Sequence[tuple[str, re.Pattern[str]]]) -> list[str]:
    return [label for label, pattern in lexicon if pattern.search(text)]


def row_values(row: Row) -> dict[str, tuple[str, ...]]:
    """dimension -> the values this row states (display form), for every dimension it states."""
    return dict(_values(row.text, getattr(row, "quote", ""), _topic(row)))


# Rows are immutable and few (about a thousand): an answer reads the same ones again and again,
# and folding is the costly part.
@lru_cache(maxsize=8192)
def _values(raw_text: str, quote: str, topic: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = fold(raw_text)
    found: dict[str, list[str]] = {}

    for match in _HABITANTS.finditer(text):
        # The numbers of the clause before "habitants": "entre 40 000 et plus de 175 000".
        window = text[max(0, match.start() - 45) : match.start()].split(";")[-1]
        numbers = [_number(token) for token in re.findall(_DIGITS, window)]
        if numbers:
            found.setdefault("population", []).append(" à ".join(_format(n) for n in numbers) + " habitants")

    if topic == topics.MEMBERS:
        for match in _DOCTORS.finditer(text):
            found.setdefault("doctors", []).append(f"{_number(match.group(1))} médecin(s)")
        for match in _PROFESSIONALS.finditer(text):
            if not match.group(2):  # "un autre professionnel" adds to a count, it is not one
                found.setdefault("professionals", []).append(f"{_number(match.group(1))} professionnels")
        for match in _PROFESSIONALS_SHARE.finditer(text):
            found.setdefault("professionals", []).append(f"{match.group(1)} % des professionnels")

    if topic not in _NO_DURATION_TOPICS:
        for match in _DURATION.finditer(text):
            unit = "mois" if match.group(2) == "mois" else "ans"
            found.setdefault("duration", []).append(f"{_number(match.group(1))} {unit}")

    if topic == topics.FUNDING:
        family = _family(raw_text, quote)
        if family is not None:
            amounts = []
            for match in _EUROS.finditer(text):
                high = _format(_number(match.group(2)))
                low = match.group(1)
                amounts.append(f"{_format(_number(low))} à {high} €" if low else f"{high} €")
            if not amounts and _NO_FUNDING.search(text):
                amounts.append("aucun")
            if amounts:
                found[family] = amounts
    elif topic == topics.APPROACH:
        found["approach"] = _labels(text, _APPROACH)
    elif topic == topics.STATUS:
        found["status"] = _labels(text, _STATUS)
    elif topic == topics.LEGAL_FORM:
        found["legal_form"] = _labels(text, _LEGAL_FORM)

    return tuple((dimension, tuple(dict.fromkeys(values))) for dimension, values in found.items() if values)


def disagreements(rows: Iterable[Row]) -> list[Conflict]:
    """The disagreements among `rows`, in the order their first row comes.

    Versions keep the order of the rows too; rows of the same document and text (a funding row
    also read as a fact) count once.
    """
    rows_in_order: list[Row] = []
    groups: dict[tuple[str | None, str | None, str], dict[str, tuple[Source, list[str], list[Row]]]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        identity = (row.source.file, row.text)
        if identity in seen:
            continue
        seen.add(identity)
        rows_in_order.append(row)
        for dimension, values in row_values(row).items():
            topic = None if dimension in _TOPIC_FREE else _topic(row)
            by_source = groups.setdefault((_structure(row), topic, dimension), {})
            _, known, carriers = by_source.setdefault(row.source.file, (row.source, [], []))
            known.extend(value for value in values if value not in known)
            carriers.append(row)
    conflicts = []
    for (structure, _, dimension), by_source in groups.items():
        value_sets = {frozenset(values) for _, values, _ in by_source.values()}
        if len(by_source) < 2 or len(value_sets) < 2:
            continue
        versions = tuple(
            Version(source, tuple(values), tuple(carriers)) for source, values, carriers in by_source.values()
        )
        carriers_ids = {id(item) for version in versions for item in version.rows}
        carried = [row for row in rows_in_order if id(row) in carriers_ids]
        conflicts.append(Conflict(structure, tuple(dict.fromkeys(map(_topic, carried))), dimension, versions))
    return conflicts


def find_conflicts(kb: KnowledgeBaseLike) -> list[Conflict]:
    """Every disagreement of the knowledge base, structure by structure, topic by topic.

    Rows are read as the answers read them: `kb.facts` (funding rows included, as facts), in
    topic order.
    """
    conflicts = []
    for structure_id in [None, *(structure.id for structure in kb.structures())]:
        rows = [row for topic in topics.ALL_TOPICS for row in kb.facts(structure_id, topic)]
        conflicts.extend(disagreements(rows))
    return conflicts


# What the method does not compare, said once in the generated document.
_LIMITS = (
    "Ce que la liste ne compare pas :",
    "",
    "- deux énoncés d'un même document (le guide breton donne pour le centre de santé « au moins",
    "  deux professionnels de santé » et, dans son tableau, « deux médecins généralistes et un",
    "  paramédical ») ;",
    "- deux aides différentes : un montant n'est comparé qu'à celui de la même aide (ACI ou FIR),",
    "  et une aide dont le document ne nomme pas le financeur (crédit d'amorçage des ESS) n'est",
    "  comparée à aucune ;",
    "- une obligation sans forme précise (« une structuration juridique est obligatoire ») ;",
    "- la formulation libre des définitions, missions et étapes de création, qui n'a pas de valeur",
    "  à comparer ;",
    "- les tableaux (formes juridiques, structures médico-sociales, PTA, CPTS d'Occitanie) et les",
    "  contacts : chacun vient d'un seul document, et aucun contact n'est donné par deux documents ;",
    "  les populations du tableau d'Occitanie sont celles de CPTS existantes, pas des seuils.",
)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_markdown(conflicts: Sequence[Conflict]) -> str:
    """docs/knowledge-conflicts.md: one section per disagreement, one table row per version."""
    lines = [
        "# Désaccords entre les documents sources",
        "",
        "Généré par `python -m knowledge conflicts --write docs/knowledge-conflicts.md` (ne pas modifier",
        "à la main ; `tests/knowledge/test_conflicts.py` vérifie qu'il est à jour). Chaque section est",
        "un point (structure, thème, dimension) sur lequel deux documents au moins donnent des valeurs",
        "différentes ; les valeurs sont lues dans le texte des lignes par `knowledge/conflicts.py`",
        "(méthode dans sa docstring). Toutes les versions sont gardées dans la base ; les réponses les",
        "montrent côte à côte (`actions.formatting.render_sourced`, `actions/compare.py`).",
        "",
        f"Désaccords : **{len(conflicts)}**.",
        "",
    ]
    lines.extend(_LIMITS)
    lines.append("")
    for conflict in conflicts:
        structure = conflict.structure or "général"
        lines.append(f"## `{conflict.id}`")
        lines.append("")
        lines.append(
            f"Structure : {structure} ; thème : {' et '.join(conflict.topics)} ; "
            f"dimension : {DIMENSION_LABELS[conflict.dimension]}."
        )
        lines.append("")
        lines.append("| document | région | date | valeurs | texte |")
        lines.append("| --- | --- | --- | --- | --- |")
        for version in conflict.versions:
            for row in version.rows:
                values = ", ".join(row_values(row)[conflict.dimension])
                lines.append(
                    f"| {version.source.file} ({version.source.publisher}) | {version.source.region_name} "
                    f"| {version.source.date_label} | {_cell(values)} "
                    f"| {_cell(row.text)} |"
                )
        lines.append("")
    return "\n".join(lines)
