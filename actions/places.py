"""Where a team practises: a region, a département or a town, read from what the user wrote.

Region and département names come from `knowledge.names`; towns from the communes Etalab
publishes, loaded into the knowledge base (`knowledge.communes`). One index per knowledge-base
engine, built on first use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from knowledge.communes import CommuneIndex
from knowledge.names import department_region, find_region_name, resolve_department, resolve_region
from knowledge.query import KnowledgeBase

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    region: str
    department: str | None = None


@lru_cache(maxsize=4)
def _index(engine: Engine) -> CommuneIndex:
    try:
        return CommuneIndex.from_engine(engine)
    except DBAPIError:
        # A knowledge base loaded before communes existed: towns are not recognised until
        # `make knowledge` reloads it (is_current() asks for that reload at start-up).
        logger.warning("no commune table in the knowledge base: towns will not be recognised")
        return CommuneIndex(())


def commune_index(kb: KnowledgeBase) -> CommuneIndex:
    return _index(kb.engine)


def resolve_place(kb: KnowledgeBase, text: str) -> Place | None:
    """The place a whole answer names: "Bretagne", "Finistère", "29", "Vannes", "près de Blois"."""
    department = resolve_department(text)
    if department:
        region = department_region(department)
        if region:
            return Place(region, department)
    region = resolve_region(text)
    if region:
        return Place(region)
    index = commune_index(kb)
    # A cue first ("à Brest"): the whole answer misspelling a town is the last resort ("a brest"
    # is close to Abrest, in the Allier).
    commune = index.find(text) or index.resolve(text)
    if commune is not None and commune.region:
        return Place(commune.region, commune.department)
    return None


def find_place(kb: KnowledgeBase, text: str) -> Place | None:
    """A place named inside a sentence ("je suis kiné à Vannes", "on est en Bretagne")."""
    commune = commune_index(kb).find(text)
    if commune is not None and commune.region:
        return Place(commune.region, commune.department)
    region = find_region_name(text)
    if region:
        return Place(region)
    return None
