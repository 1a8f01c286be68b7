"""Slot, entity and intent names shared by the actions (the single place that spells them)."""

from __future__ import annotations

STRUCTURE = "structure"
REGION = "region"
LAST_TOPIC = "last_topic"
HANDOFF_REQUESTED = "handoff_requested"
ELIGIBILITY_RESULT = "eligibility_result"
REQUESTED_SLOT = "requested_slot"
# The département a town or a département name gave (eligibility dialogue, informative only).
DEPARTMENT = "department"
# Set while the eligibility dialogue waits for the user to confirm "recommencer".
RESTART_PENDING = "eligibility_restart_pending"

# Entities the NLU extracts (see data/nlu/).
ENTITY_STRUCTURE = "structure"
ENTITY_REGION = "region"
ENTITY_LEGAL_FORM = "legal_form"
ENTITY_FUNDING_TYPE = "funding_type"
ENTITY_TERM = "term"
# Entities that name a glossary term, in the order an answer prefers them.
TERM_ENTITIES = (ENTITY_LEGAL_FORM, ENTITY_FUNDING_TYPE, ENTITY_TERM)

# Eligibility form slots: one per field of eligibility.team.Team, same names.
COUNT_SLOTS = (
    "general_practitioners",
    "paramedicals",
    "other_professionals",
    "specialists",
    "specialty_doctors_on_territory",
    "liberal_specialty_doctors_on_territory",
)
POPULATION_SLOT = "territory_population"
PRACTICE_SLOT = "practice"
YES_NO_SLOTS = ("has_manager", "territory_is_department_or_more")
TEAM_SLOTS = (*COUNT_SLOTS, PRACTICE_SLOT, *YES_NO_SLOTS, POPULATION_SLOT)
ELIGIBILITY_SLOTS = (*TEAM_SLOTS, ELIGIBILITY_RESULT, DEPARTMENT, RESTART_PENDING)
# A population the user does not know is stored as this value, so the form stops asking.
UNKNOWN_POPULATION = -1.0

# Rasa's two-stage fallback reads this intent as "none of the suggestions".
OUT_OF_SCOPE = "out_of_scope"
# The FallbackClassifier's intent when the NLU is unsure (it still ranks the real intents).
NLU_FALLBACK = "nlu_fallback"
CHECK_ELIGIBILITY = "check_eligibility"

# Intents whose message is a question, never an answer to a form question.
QUESTION_INTENTS = frozenset(
    {
        "ask_definition",
        "ask_difference",
        "ask_funding",
        "ask_legal_form",
        "ask_status",
        "ask_members",
        "ask_territory",
        "ask_missions",
        "ask_advantages",
        "ask_creation",
        "ask_join",
        "ask_fees",
        "ask_legal_references",
        "ask_contact",
        "ask_medico_social",
        "ask_platforms",
        "ask_cpts_examples",
        "ask_more",
        "greet",
        "goodbye",
        "thanks",
        "bot_challenge",
        OUT_OF_SCOPE,
        "ask_medical_advice",
        "human_handoff",
        "stop",
        "check_eligibility",
    }
)
