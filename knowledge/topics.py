"""Topic identifiers of knowledge facts, and their French labels.

A fact answers one topic about one structure (or about coordinated practice in general).
Funding statements are structured rows (see `KnowledgeBase.funding`), shown as facts of topic
FUNDING; creation steps are procedures (see `KnowledgeBase.steps`) next to CREATION facts.
"""

from __future__ import annotations

DEFINITION = "definition"
APPROACH = "approach"
TERRITORY = "territory"
MEMBERS = "members"  # members required and other prerequisites (insurance, premises)
STATUS = "status"
LEGAL_FORM = "legal_form"  # legal form and governance
MISSIONS = "missions"  # objectives and missions, core (socle) or optional
ADVANTAGES = "advantages"
CREATION = "creation"
JOIN = "join"
FEES = "fees"
FUNDING = "funding"
LEGAL_REFERENCES = "legal_references"
RESOURCES = "resources"
# Beyond the contract: figures quoted by a region, and facts about coordinated practice in general.
STATISTICS = "statistics"
SUCCESS_FACTORS = "success_factors"
SECURE_MESSAGING = "secure_messaging"
EXAMPLES = "examples"  # testimonies and examples from the field

ALL_TOPICS: tuple[str, ...] = (
    DEFINITION,
    APPROACH,
    TERRITORY,
    MEMBERS,
    STATUS,
    LEGAL_FORM,
    MISSIONS,
    ADVANTAGES,
    CREATION,
    JOIN,
    FEES,
    FUNDING,
    LEGAL_REFERENCES,
    RESOURCES,
    STATISTICS,
    SUCCESS_FACTORS,
    SECURE_MESSAGING,
    EXAMPLES,
)

# Criteria of a side-by-side comparison, in the order an answer shows them: the ones that tell
# structures apart come first.
COMPARISON_TOPICS: tuple[str, ...] = (
    APPROACH,
    TERRITORY,
    MEMBERS,
    STATUS,
    LEGAL_FORM,
    FUNDING,
    MISSIONS,
    FEES,
    JOIN,
    CREATION,
)

TOPIC_LABELS: dict[str, str] = {
    DEFINITION: "Définition",
    APPROACH: "Approche",
    TERRITORY: "Territoire",
    MEMBERS: "Professionnels requis",
    STATUS: "Statut des professionnels",
    LEGAL_FORM: "Forme juridique",
    MISSIONS: "Missions et objectifs",
    ADVANTAGES: "Avantages",
    CREATION: "Création",
    JOIN: "Adhésion",
    FEES: "Tarifs",
    FUNDING: "Financement",
    LEGAL_REFERENCES: "Références juridiques",
    RESOURCES: "Ressources",
    STATISTICS: "Chiffres clés",
    SUCCESS_FACTORS: "Facteurs de réussite",
    SECURE_MESSAGING: "Messagerie sécurisée",
    EXAMPLES: "Exemples et témoignages",
}


def label(topic: str) -> str:
    """French label of a topic ("funding" -> "Financement"); the id itself when unknown."""
    return TOPIC_LABELS.get(topic, topic)
