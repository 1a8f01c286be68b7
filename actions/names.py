"""Slot, entity, intent and action names: the single place that spells them.

Shared by the actions and the review app (`bot/review/facts.py` reads the same events), and
checked against domain.yml by tests/actions/test_names.py. It imports nothing, so that the review
app can use it without loading the Rasa SDK.
"""

from __future__ import annotations

# --- slots ---------------------------------------------------------------------------------

STRUCTURE = "structure"
REGION = "region"
LAST_TOPIC = "last_topic"
HANDOFF_REQUESTED = "handoff_requested"
COMPARED_STRUCTURES = "compared_structures"
ELIGIBILITY_RESULT = "eligibility_result"
REQUESTED_SLOT = "requested_slot"
# The département a town or a département name gave (eligibility dialogue, informative only).
DEPARTMENT = "department"
# Set while the eligibility dialogue waits for the user to confirm "recommencer".
RESTART_PENDING = "eligibility_restart_pending"

# Eligibility form slots: one per field of eligibility.team.Team, same names.
GENERAL_PRACTITIONERS = "general_practitioners"
PARAMEDICALS = "paramedicals"
OTHER_PROFESSIONALS = "other_professionals"
SPECIALISTS = "specialists"
SPECIALTY_DOCTORS_ON_TERRITORY = "specialty_doctors_on_territory"
LIBERAL_SPECIALTY_DOCTORS_ON_TERRITORY = "liberal_specialty_doctors_on_territory"
HAS_MANAGER = "has_manager"
TERRITORY_IS_DEPARTMENT_OR_MORE = "territory_is_department_or_more"
COUNT_SLOTS = (
    GENERAL_PRACTITIONERS,
    PARAMEDICALS,
    OTHER_PROFESSIONALS,
    SPECIALISTS,
    SPECIALTY_DOCTORS_ON_TERRITORY,
    LIBERAL_SPECIALTY_DOCTORS_ON_TERRITORY,
)
POPULATION_SLOT = "territory_population"
PRACTICE_SLOT = "practice"
YES_NO_SLOTS = (HAS_MANAGER, TERRITORY_IS_DEPARTMENT_OR_MORE)
TEAM_SLOTS = (*COUNT_SLOTS, PRACTICE_SLOT, *YES_NO_SLOTS, POPULATION_SLOT)
ELIGIBILITY_SLOTS = (*TEAM_SLOTS, ELIGIBILITY_RESULT, DEPARTMENT, RESTART_PENDING)
# A population the user does not know is stored as this value, so the form stops asking.
UNKNOWN_POPULATION = -1.0
# Every slot of domain.yml (requested_slot is Rasa's own).
SLOTS = frozenset({STRUCTURE, REGION, LAST_TOPIC, HANDOFF_REQUESTED, COMPARED_STRUCTURES, *ELIGIBILITY_SLOTS})

# --- entities (see data/nlu/) --------------------------------------------------------------

ENTITY_STRUCTURE = "structure"
ENTITY_REGION = "region"
ENTITY_LEGAL_FORM = "legal_form"
ENTITY_FUNDING_TYPE = "funding_type"
ENTITY_TERM = "term"
# Entities that name a glossary term, in the order an answer prefers them.
TERM_ENTITIES = (ENTITY_LEGAL_FORM, ENTITY_FUNDING_TYPE, ENTITY_TERM)

# --- forms and actions ---------------------------------------------------------------------

ELIGIBILITY_FORM = "eligibility_form"
ACTION_START_ELIGIBILITY = "action_start_eligibility"
ACTION_VALIDATE_ELIGIBILITY_FORM = f"validate_{ELIGIBILITY_FORM}"
ACTION_ELIGIBILITY_VERDICT = "action_eligibility_verdict"
ACTION_CANCEL_ELIGIBILITY = "action_cancel_eligibility"
ACTION_HUMAN_HANDOFF = "action_human_handoff"
# Rasa's own fallback actions (not declared in domain.yml).
ACTION_DEFAULT_FALLBACK = "action_default_fallback"
ACTION_TWO_STAGE_FALLBACK = "action_two_stage_fallback"
FALLBACK_ACTIONS = frozenset({ACTION_DEFAULT_FALLBACK, ACTION_TWO_STAGE_FALLBACK})

# --- intents -------------------------------------------------------------------------------

# Rasa's two-stage fallback reads this intent as "none of the suggestions".
OUT_OF_SCOPE = "out_of_scope"
# The FallbackClassifier's intent when the NLU is unsure (it still ranks the real intents).
NLU_FALLBACK = "nlu_fallback"
CHECK_ELIGIBILITY = "check_eligibility"
HUMAN_HANDOFF = "human_handoff"
AFFIRM = "affirm"
DENY = "deny"
INFORM = "inform"

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
        HUMAN_HANDOFF,
        "stop",
        CHECK_ELIGIBILITY,
    }
)
# Every intent named here (nlu_fallback is Rasa's own).
INTENTS = frozenset({*QUESTION_INTENTS, AFFIRM, DENY, INFORM, NLU_FALLBACK})
