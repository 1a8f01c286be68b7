"""French communes from Etalab's administrative dataset, to turn a town into its département.

The data is the npm package `@etalab/decoupage-administratif` (pinned in package.json and
installed by scripts/setup.sh): `data/communes.json` lists every commune with its INSEE code,
name, département and population. The loader copies the current communes into `kb_commune`;
`CommuneIndex` reads them back once and finds a town named in a message ("je suis kiné à
Vannes", "on exerce près de Blois"). The département then gives the region through
`knowledge.names.department_region`, so no town is ever written by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge import models
from knowledge.db import session_scope
from knowledge.names import department_region
from textnorm import words

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_COMMUNES_FILE = (
    Path(__file__).resolve().parent.parent / "node_modules" / PACKAGE / "data" / "communes.json"
)
# Only current communes: "commune déléguée" and "commune associée" are former communes merged
# into another one (their name would point at the same place twice), and Paris, Lyon and
# Marseille's arrondissements are named after their city anyway.
CURRENT = "commune-actuelle"
# A town name is at most this many words ("Saint-Germain-au-Mont-d'Or" is 6): the finder tries
# a bounded number of word windows, so it stays linear in the message.
MAX_NAME_WORDS = 8
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
FUZZY_CUTOFF = 90
# Words that announce a place in a sentence. Without one, a word is never read as a town: "Plus",
# "Y", "Sept" or "Mairie" are communes too.
_CUES: tuple[tuple[str, ...], ...] = (
    ("a",),
    ("au",),
    ("sur",),
    ("vers",),
    ("pres", "de"),
    ("pres", "d"),
    ("autour", "de"),
    ("autour", "d"),
    ("cote", "de"),
    ("alentours", "de"),
    ("alentours", "d"),
    ("commune", "de"),
    ("commune", "d"),
    ("ville", "de"),
    ("ville", "d"),
    ("secteur", "de"),
    ("secteur", "d"),
    ("region", "de"),
    ("base", "a"),
    ("installe", "a"),
    ("installes", "a"),
)
# After a cue, these begin no town name ("à la mairie", "à plusieurs", "à temps plein").
_NOT_NAMES = frozenset(
    {
        "un", "une", "des", "du", "de", "d", "mi", "temps", "plusieurs",
        "peu", "pres", "plein", "domicile", "distance", "partir", "cote", "voir", "priori", "moi",
        "nous", "vous", "eux", "part", "chaque", "tout", "tous", "toute", "toutes", "quel", "quelle",
    }
)


_ARTICLES = frozenset({"le", "la", "les", "l"})
# Communes named like a place of work: "à l'hôpital", "au bourg" speak of no town.
_GENERIC_NAMES = frozenset(
    {"l hopital", "le bourg", "la plaine", "le port", "la foret", "le val", "les ponts"}
)


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code
    name: str
    department: str
    population: int

    @property
    def region(self) -> str | None:
        return department_region(self.department)


def name_key(name: str) -> str:
    """The folded words of a town name: "Saint-Pierre-des-Corps" -> "saint pierre des corps"."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words(name))


def read_communes(path: Path = DEFAULT_COMMUNES_FILE) -> list[dict[str, Any]]:
    """Rows for `kb_commune` from the dataset's communes.json (current communes only)."""
    with path.open(encoding="utf-8") as handle:
        entries = json.load(handle)
    rows = []
    for entry in entries:
        if entry.get("type") != CURRENT or not entry.get("departement"):
            continue
        rows.append(
            {
                "code": entry["code"],
                "name": entry["nom"],
                "key": name_key(entry["nom"]),
                "department": entry["departement"],
                "population": int(entry.get("population") or 0),
            }
        )
    return rows


def replace_communes(session: Session, path: Path = DEFAULT_COMMUNES_FILE) -> int:
    """Write the communes into `kb_commune` inside the loader's transaction; how many.

    Without the npm package (a set-up that skipped npm) the table stays empty and towns are
    simply not recognised: the rest of the knowledge base does not depend on them.
    """
    if not path.exists():
        return 0
    rows = read_communes(path)
    session.execute(models.CommuneRow.__table__.insert(), rows)
    return len(rows)


def is_current(engine: Engine, path: Path = DEFAULT_COMMUNES_FILE) -> bool:
    """False when the dataset is installed but the table is missing or empty (never loaded)."""
    if not path.exists():
        return True
    try:
        with session_scope(engine) as session:
            return bool(session.execute(select(func.count()).select_from(models.CommuneRow)).scalar())
    except DBAPIError:
        return False


class CommuneIndex:
    """Town names -> the most populous commune of that name ("Saint-Denis" is the one in 93).

    Built once from the knowledge base (about 35,000 rows, a few hundred milliseconds).
    """

    def __init__(self, communes: Iterable[Commune]) -> None:
        self._by_key: dict[str, Commune] = {}
        self._keys: list[str] | None = None
        for commune in communes:
            key = name_key(commune.name)
            known = self._by_key.get(key)
            if known is None or commune.population > known.population:
                self._by_key[key] = commune

    @classmethod
    def from_engine(cls, engine: Engine) -> CommuneIndex:
        with session_scope(engine) as session:
            rows = session.execute(
                select(
                    models.CommuneRow.code,
                    models.CommuneRow.name,
                    models.CommuneRow.department,
                    models.CommuneRow.population,
                )
            ).all()
        return cls(Commune(*row) for row in rows)

    def __len__(self) -> int:
        return len(self._by_key)

    def resolve(self, text: str) -> Commune | None:
        """The commune a whole answer names ("Vannes", "st malo", "Vanes"), or None.

        A misspelt name is accepted only when the answer is nothing but that name and one town is
        clearly closest (rapidfuzz ratio ≥ 90, names of at least five letters).
        """
        key = name_key(text)
        commune = self._by_key.get(key)
        if commune is not None or len(key) < 5 or not self._by_key:
            return commune
        if any(tuple(key.split()[: len(cue)]) == cue for cue in _CUES):
            return None  # "à Brest" is found by find(); fuzzy matching it would find "Abrest"
        if self._keys is None:
            self._keys = list(self._by_key)
        found = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        if not found:
            return None
        # Near ties ("Montpelier": Montpellier 95.2, Montélier 94.7) go to a town ten times more
        # populous than the others; otherwise ("Vanes": Vannes or Vanves?) nothing is guessed.
        close = sorted(
            (self._by_key[name] for name, score, _ in found if score >= found[0][1] - 1),
            key=lambda commune: commune.population,
            reverse=True,
        )
        if len(close) == 1 or close[0].population >= 10 * close[1].population:
            return close[0]
        return None

    def find(self, text: str) -> Commune | None:
        """The first commune named after a place cue ("à Vannes", "près de Blois"), or None."""
        tokens = [_ABBREVIATIONS.get(word, word) for word in words(text)]
        for index in range(len(tokens)):
            for cue in _CUES:
                if tuple(tokens[index : index + len(cue)]) != cue:
                    continue
                rest = tokens[index + len(cue) : index + len(cue) + MAX_NAME_WORDS]
                # "au Mans" is "à Le Mans".
                for candidate in ([rest, ["le", *rest]] if cue == ("au",) else [rest]):
                    commune = self._longest(candidate)
                    if commune is not None:
                        return commune
        return None

    def _longest(self, tokens: list[str]) -> Commune | None:
        if not tokens or tokens[0] in _NOT_NAMES or tokens[0].isdigit():
            return None
        for size in range(min(MAX_NAME_WORDS, len(tokens)), 0, -1):
            key = " ".join(tokens[:size])
            if tokens[0] in _ARTICLES and (size < 2 or key in _GENERIC_NAMES):
                continue
            commune = self._by_key.get(key)
            if commune is not None:
                return commune
        return None
