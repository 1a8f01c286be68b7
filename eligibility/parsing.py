"""French answers of the eligibility dialogue turned into Team values (pure functions).

- `parse_answer` reads the reply to the pending question about one Team field;
- `parse_count` reads one number ("3", "trois", "20 000 habitants", "1,2 million", "aucun") or
  raises `CountError`, whose `reason` names the re-prompt (`eligibility.counts`);
- `parse_yes_no` and `parse_practice` read short answers to the closed questions
  (`eligibility.closed_answers`);
- `extract_team` finds every team detail stated in a free sentence ("nous sommes 3 médecins
  généralistes et 2 kinés, libéraux") (`eligibility.extraction`).

No French sentence is written here: a refused count carries a reason code, and the form utters
the matching `utter_invalid_count_<reason>` response of domain.yml.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.closed_answers import (
    parse_manager,
    parse_practice,
    parse_practice_answer,
    parse_territory_scale,
    parse_yes_no,
)
from eligibility.counts import COUNT_REASONS, NO_NUMBER, TOO_LARGE, CountError, is_unknown, parse_count
from eligibility.extraction import extract_team
from eligibility.professions import (
    GP,
    LIBERAL_TERRITORY_DOCTORS,
    OTHERS,
    PARAMEDICALS,
    POPULATION,
    SPECIALISTS,
    TERRITORY_DOCTORS,
)

__all__ = [
    "COUNT_MAXIMUMS",
    "COUNT_REASONS",
    "Answer",
    "CountError",
    "extract_team",
    "is_unknown",
    "parse_answer",
    "parse_count",
    "parse_practice",
    "parse_yes_no",
]

# Largest believable answer per count field: a team of professionals, the doctors of one
# specialty on a territory, and a territory's population.
COUNT_MAXIMUMS: dict[str, int] = {
    GP: 500,
    SPECIALISTS: 500,
    PARAMEDICALS: 500,
    OTHERS: 500,
    TERRITORY_DOCTORS: 20_000,
    LIBERAL_TERRITORY_DOCTORS: 20_000,
    POPULATION: 15_000_000,
}
MANAGER = "has_manager"
TERRITORY_SCALE = "territory_is_department_or_more"
PRACTICE = "practice"


@dataclass(frozen=True)
class Answer:
    """What a reply says about the pending question.

    `value` is None when the reply does not answer it; `refused` then holds why when the reply
    was meant as an answer (a vague or impossible count, see `CountError`); `unknown` is
    "je ne sais pas".
    """

    value: int | str | bool | None = None
    refused: CountError | None = None
    unknown: bool = False
    attempted: bool = False  # a count was meant but refused ("une douzaine", "plus de 10")


def parse_answer(field: str, text: str) -> Answer:
    """The answer `text` gives to the question about `field` (a Team field name)."""
    if field in COUNT_MAXIMUMS:
        maximum = COUNT_MAXIMUMS[field]
        if field == POPULATION and is_unknown(text):
            return Answer(unknown=True)
        stated = extract_team(text, asked=field)
        value = stated.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            if value > maximum:
                return Answer(refused=CountError(TOO_LARGE, maximum), attempted=True)
            return Answer(value)
        if any(name in COUNT_MAXIMUMS for name in stated):
            return Answer()  # "2 kinés" asked about doctors answers another question
        try:
            return Answer(parse_count(text, maximum=maximum))
        except CountError as error:
            if stated:
                return Answer()
            return Answer(refused=error, attempted=error.reason != NO_NUMBER)
    if field == PRACTICE:
        return Answer(parse_practice_answer(text))
    if field == MANAGER:
        return Answer(parse_manager(text))
    if field == TERRITORY_SCALE:
        return Answer(parse_territory_scale(text))
    return Answer()
