"""Topic identifiers of knowledge facts (their French labels are responses in domain.yml).

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
