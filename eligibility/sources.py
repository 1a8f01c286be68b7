"""Where every eligibility rule comes from: the seed document and a verbatim quote.

The five documents are described once, in `knowledge/data/sources.yml` (publisher, kind, title,
region, date label), with their region names in `knowledge/data/regions.yml`. This module reads
those two files itself, with PyYAML, and imports nothing of the `knowledge` package: eligibility
stays free of Rasa and of the database (`tests/eligibility/test_isolation.py`), and a verdict
still cites a document with exactly the words an answer uses (`RuleSource.reference` is built
like `knowledge.types.Source.reference`).

A quote is copied character for character from its file (only the PDF artefacts `**`, `<b>`,
`<p>`… and line breaks are left out), and `tests/eligibility/test_sources.py` checks that each
one really appears there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "data"

# Keys of knowledge/data/sources.yml.
CVL_2025 = "cvl-2025"
DOCTOLIB_2023 = "doctolib-2023"
PACA_2019 = "paca-2019"
OCCITANIE_2019 = "occitanie-2019"
BRETAGNE_2019 = "bretagne-2019"


@dataclass(frozen=True)
class Document:
    """One seed document, as `knowledge/data/sources.yml` describes it."""

    key: str
    file: str
    publisher: str
    kind: str
    title: str
    region: str
    region_name: str
    date_label: str

    @property
    def reference(self) -> str:
        """ "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)":
        the same words as knowledge.types.Source.reference, so verdicts and answers cite alike."""
        title = f"{self.kind} « {self.title} »" if self.kind else f"« {self.title} »"
        return f"{title}, {self.publisher} ({self.region_name}, {self.date_label})"


@cache
def documents(data_dir: Path = DATA_DIR) -> dict[str, Document]:
    """The documents of `sources.yml` by key, read on first use (never at import time)."""
    regions = yaml.safe_load((data_dir / "regions.yml").read_text(encoding="utf-8"))["regions"]
    names = {region["id"]: region["name"] for region in regions}
    rows = yaml.safe_load((data_dir / "sources.yml").read_text(encoding="utf-8"))["sources"]
    return {
        row["key"]: Document(
            key=row["key"],
            file=row["file"],
            publisher=row["publisher"],
            kind=row.get("kind") or "",
            title=row["title"],
            region=row["region"],
            region_name=names[row["region"]],
            date_label=str(row["date_label"]),
        )
        for row in rows
    }


@dataclass(frozen=True)
class RuleSource:
    """A verbatim passage of a seed document that a rule relies on (`key`: of sources.yml)."""

    key: str
    quote: str

    @property
    def document(self) -> Document:
        return documents()[self.key]

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def label(self) -> str:
        """The publisher, as sources.yml names it."""
        return self.document.publisher

    @property
    def region(self) -> str:
        return self.document.region

    @property
    def region_name(self) -> str:
        return self.document.region_name

    @property
    def date(self) -> str:
        return self.document.date_label

    @property
    def where_when(self) -> str:
        """ "France entière, mai 2023": region and date, for a sentence that already names the publisher."""
        return f"{self.region_name}, {self.date}"

    @property
    def short(self) -> str:
        """ "Doctolib, France entière, mai 2023": to attribute a figure inside a sentence."""
        return f"{self.label}, {self.region_name}, {self.date}"

    @property
    def reference(self) -> str:
        """The document as an answer cites it (the domain's `utter_source` adds "Source :")."""
        return self.document.reference


def quote(document: str, text: str) -> RuleSource:
    """A passage of the document with key `document` (one of the constants above)."""
    return RuleSource(key=document, quote=text)


# ESP (équipe de soins primaires)
DOCTOLIB_ESP_MEMBERS = quote(
    DOCTOLIB_2023,
    "Au moins deux professionnels de santé, dont un médecin généraliste et un paramédical, "
    "regroupés ou non sur le même site.",
)
DOCTOLIB_ESP_STATUS = quote(DOCTOLIB_2023, "Statut des professionnels Libéral ou salarié.")
BRETAGNE_ESP_ANNEX = quote(
    BRETAGNE_2019,
    "ÉQUIPE DE SOINS PRIMAIRES Un médecin généraliste Un autre professionnel de santé Professionnels de "
    "santé du premier recours libéraux",
)
BRETAGNE_COORDINATED_PRACTICE = quote(
    BRETAGNE_2019,
    "le travail en commun de plusieurs professionnels de santé, dont au moins deux professions différentes",
)
BRETAGNE_ESP_RECOGNITION = quote(
    BRETAGNE_2019, "Dès lors que le projet de santé est validé, l'Equipe de Soins Primaires est reconnue."
)
PACA_ESP_TABLE = quote(PACA_2019, "Obligatoire : 1 médecin + 1 professionnel de santé")
PACA_ESP_MINIMUM = quote(
    PACA_2019,
    "Les ESP sont constituées au minimum de deux professionnels de santé (un médecin généraliste et un "
    "paramédical).",
)
CVL_ESP_LIBERAL = quote(
    CVL_2025,
    "Les ESP sont des regroupements de professionnels de santé libéraux de premier recours (médecins, "
    "infirmiers, pharmaciens, etc.) autour d'un projet de santé partagé, sans obligation de regroupement "
    "physique.",
)

# MSP (maison de santé pluri-professionnelle)
DOCTOLIB_MSP_MEMBERS = quote(
    DOCTOLIB_2023, "Nécessite au moins deux médecins généralistes et un paramédical."
)
DOCTOLIB_STATUS_ROW = quote(DOCTOLIB_2023, "Statut des professionnels Salarié Libéral Salarié ou libéral")
BRETAGNE_MSP_DEFINITION = quote(
    BRETAGNE_2019,
    "Elle regroupe plusieurs professionnels de santé assurant des soins de premier recours, dont au moins "
    "deux médecins généralistes et un professionnel paramédical.",
)
BRETAGNE_MSP_PROJECT = quote(
    BRETAGNE_2019,
    "C'est uniquement le projet de santé partagé par les professionnels qui assure la reconnaissance en "
    "qualité de Maison de Santé Pluri-professionnelle et non les locaux.",
)
CVL_MSP_LIBERAL = quote(
    CVL_2025,
    "Les MSP regroupent plusieurs professionnels de santé libéraux de premier et de second recours",
)
CVL_MSP_SISA = quote(
    CVL_2025,
    "Société Interprofessionnelle de Soins Ambulatoires (SISA) pour le financement ACI par l'Assurance "
    "Maladie (AM)",
)
PACA_SISA_PARTNERS = quote(PACA_2019, "Nombre d'associés minimum 2 2 2 2 médecins et 1 paramédical")

# Centre de santé
BRETAGNE_CDS_DEFINITION = quote(
    BRETAGNE_2019,
    "Un centre de santé est une structure sanitaire de proximité qui correspond à une forme d'exercice "
    "salariée des soins de premier recours (et le cas échéant, de deuxième recours) réunissant au moins "
    "deux professionnels de santé.",
)
BRETAGNE_MSP_ANNEX = quote(
    BRETAGNE_2019,
    "MAISON DE SANTÉ PLURI-PROFESSIONNELLE Deux médecins généralistes Un paramédical Professionnels de "
    "santé du premier et du second recours libéraux",
)
BRETAGNE_CDS_ANNEX = quote(
    BRETAGNE_2019,
    "CENTRE DE SANTÉ Deux médecins généralistes Un paramédical Professionnels de santé du premier et du "
    "deuxième recours salariés du centre de santé",
)
BRETAGNE_CDS_MANAGER = quote(
    BRETAGNE_2019,
    "Le gestionnaire du centre de santé peut être un organisme à but non lucratif, une collectivité "
    "territoriale, un établissement public de coopération intercommunale, un établissement de santé public "
    "ou privé ou une société coopérative d'intérêt collectif.",
)
DOCTOLIB_CDS_MANAGER = quote(
    DOCTOLIB_2023,
    "Personnalité morale au travers du gestionnaire (municipalités, mutuelles, associations, régimes de "
    "sécurité sociale, congrégations, établissements de santé, sociétés coopératives d'intérêt "
    "collectif...).",
)
DOCTOLIB_CDS_PROFESSIONALS = quote(
    DOCTOLIB_2023, "mono-professionnels : exclusivement médicaux ou infirmiers ou dentaires"
)
BRETAGNE_CDS_REGION_DOCTORS = quote(
    BRETAGNE_2019, "permettre l'activité d'au moins 2 médecins pour assurer la continuité des soins"
)
CVL_CDS_SALARIED = quote(CVL_2025, "Les professionnels qui y travaillent sont salariés")
DOCTOLIB_CDS_JOIN = quote(
    DOCTOLIB_2023,
    "Signer un contrat de travail, avec rémunération sous forme de salaire, l'employeur étant le centre de "
    "santé.",
)

# ESS (équipe de soins spécialisés)
CVL_ESS_SPECIALISTS = quote(
    CVL_2025,
    "Les Équipes de Soins Spécialisés (ESS) regroupent des spécialistes (hors médecine générale)",
)
CVL_ESS_SPECIFICATIONS = quote(
    CVL_2025,
    "Le cahier des charges des équipes de soins spécialisés a été validé en commission paritaire nationale "
    "(CPN) le 12 décembre 2024.",
)
CVL_ESS_TERRITORY = quote(
    CVL_2025,
    "a minima départemental, non déjà couvert par une ESS de la même spécialité et sur lequel sont présents "
    "au moins 10 médecins de la spécialité concernée",
)
CVL_ESS_MEMBERS = quote(
    CVL_2025,
    "Réunir un seuil minimal d'adhérents (au moins 10% des professionnels libéraux de la spécialité "
    "concernée sur le territoire de l'ESS).",
)
DOCTOLIB_ESS_MEMBERS = quote(
    DOCTOLIB_2023,
    "Au moins deux professionnels de santé, dont un médecin spécialiste (hors médecine générale) et un "
    "paramédical, regroupés ou non sur le même site.",
)

# CPTS (communauté professionnelle territoriale de santé)
PACA_CPTS_DOCTOR = quote(PACA_2019, "Au moins un médecin généraliste ou spécialiste")
PACA_CPTS_POPULATION = quote(
    PACA_2019,
    "Le bassin de population peut varier de 40 000 à plus de 175 000 habitants (seuil indicatif), "
    "adaptable selon le territoire",
)
DOCTOLIB_CPTS_POPULATION = quote(
    DOCTOLIB_2023,
    "un même territoire (d'un seuil minimal suggéré de 20 000 habitants) ne peut pas abriter plusieurs CPTS.",
)
PACA_CPTS_ONE_PER_TERRITORY = quote(
    PACA_2019, "en respectant la règle d'une seule CPTS pluri thématique par territoire"
)
OCCITANIE_CPTS_MEMBERS = quote(
    OCCITANIE_2019,
    "Le nombre et le type de professionnels est variable selon les projets et peut évoluer dans le temps",
)
CVL_CPTS_FORM = quote(CVL_2025, "Forme juridique : Association loi 1901.")
PACA_CPTS_FORM = quote(PACA_2019, "Non imposée, association loi 1901 conseillée")
OCCITANIE_SMALL_CPTS = quote(
    OCCITANIE_2019, "9 629 habitants 11 - 66 CPTS Agly Fenouillèdes Pyrénées 6 799 habitants"
)

ALL_SOURCES: tuple[RuleSource, ...] = tuple(
    value for value in globals().copy().values() if isinstance(value, RuleSource)
)
