"""How the scripted users of the eligibility dialogue word their answers, in three styles.

A `Persona` is a team whose truth is a `Team`, plus the words its members use for themselves
(their professions, their place, their gestionnaire). `answer` is the natural reply to a form
question in one style (formal, chatty, SMS); `plain_answer` the bare value typed when the same
question comes again. The personas themselves are in `bench.eligibility_personas`; the player
that sends these words to the assistant is `bench.eligibility_users`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eligibility.team import Team

STYLES = ("formal", "chatty", "sms")

_WORDS = {
    0: "zéro",
    1: "un",
    2: "deux",
    3: "trois",
    4: "quatre",
    5: "cinq",
    6: "six",
    7: "sept",
    8: "huit",
    9: "neuf",
    10: "dix",
    11: "onze",
    12: "douze",
    15: "quinze",
    20: "vingt",
}


def spelled(number: int, feminine: bool = False) -> str:
    """A number as a person writes it in a formal message: small ones in words."""
    if number == 1:
        return "une" if feminine else "un"
    return _WORDS.get(number, f"{number:,}".replace(",", " "))


@dataclass(frozen=True)
class Group:
    """Some professionals of one kind, as the user names them."""

    count: int
    singular: str
    plural: str
    feminine: bool = False

    def said(self, style: str) -> str:
        noun = self.singular if self.count == 1 else self.plural
        if style == "formal":
            return f"{spelled(self.count, self.feminine)} {noun}"
        return f"{self.count} {noun}"


def groups_said(groups: Sequence[Group], style: str) -> str:
    parts = [group.said(style) for group in groups]
    if style == "sms":
        return " ".join(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


@dataclass(frozen=True)
class Persona:
    name: str
    team: Team
    place: dict[str, str]  # style -> how the place is said
    gps: Group | None = None
    paramedicals: tuple[Group, ...] = ()
    others: tuple[Group, ...] = ()
    specialists: Group | None = None
    manager: str | None = None  # the gestionnaire named in words ("la mairie")
    department: str = "le département"  # the territory named ("le Cher")
    opening: dict[str, str] = field(default_factory=dict)  # details given up front, by style


OPENINGS = {
    "formal": "Bonjour, pourriez-vous vérifier quelles structures notre équipe peut créer ?",
    "chatty": "on peut monter quoi avec notre équipe ?",
    "sms": "test eligibilite",
}


def answer(persona: Persona, question: str, style: str) -> str:
    """The natural reply of `persona` to `question` (a form slot name) in `style`."""
    team = persona.team
    if question == "general_practitioners":
        count = team.general_practitioners or 0
        if count == 0:
            return {"formal": "Aucun médecin généraliste.", "chatty": "pas de généraliste", "sms": "aucun"}[
                style
            ]
        group = persona.gps or Group(count, "médecin généraliste", "médecins généralistes")
        if style == "formal":
            return f"Nous comptons {group.said(style)}." if count > 1 else "Un seul médecin généraliste."
        return {"chatty": f"on a {group.said(style)}", "sms": f"{count} mg"}[style]
    if question in ("paramedicals", "other_professionals"):
        groups = persona.paramedicals if question == "paramedicals" else persona.others
        if not groups:
            return {"formal": "Aucun.", "chatty": "personne", "sms": "0"}[style]
        said = groups_said(groups, style)
        return {"formal": f"Il y a {said}.", "chatty": f"on a {said}", "sms": said}[style]
    if question == "specialists":
        if not team.specialists:
            return {"formal": "Aucun spécialiste.", "chatty": "pas de spécialiste", "sms": "0"}[style]
        group = persona.specialists or Group(team.specialists, "médecin spécialiste", "médecins spécialistes")
        return {
            "formal": f"Nous sommes {group.said(style)}.",
            "chatty": f"on est {group.said(style)}",
            "sms": group.said(style),
        }[style]
    if question == "practice":
        return {
            "liberal": {
                "formal": "Nous exerçons tous en libéral.",
                "chatty": "on est tous libéraux",
                "sms": "liberal",
            },
            "salarie": {
                "formal": "Nous sommes tous salariés.",
                "chatty": "que des salariés",
                "sms": "salariés",
            },
            "mixte": {
                "formal": "Certains exercent en libéral, d'autres sont salariés.",
                "chatty": "on est tous libéraux sauf une",
                "sms": "les 2",
            },
        }[team.practice or "liberal"][style]
    if question == "has_manager":
        if team.has_manager:
            manager = persona.manager or "une association"
            return {"formal": f"Oui, {manager} serait prête à le porter.", "chatty": manager, "sms": manager}[
                style
            ]
        return {"formal": "Non, pas encore.", "chatty": "non pas encore", "sms": "non"}[style]
    if question == "territory_is_department_or_more":
        if team.territory_is_department_or_more:
            return {
                "formal": f"Oui, tout {persona.department}.",
                "chatty": f"tout {persona.department}",
                "sms": f"oui tout {persona.department}",
            }[style]
        return {"formal": "Non, seulement notre canton.", "chatty": "juste notre canton", "sms": "non"}[style]
    if question == "specialty_doctors_on_territory":
        count = team.specialty_doctors_on_territory or 0
        return {
            "formal": f"Il y en a {count} dans le département.",
            "chatty": f"{count} en tout",
            "sms": str(count),
        }[style]
    if question == "liberal_specialty_doctors_on_territory":
        count = team.liberal_specialty_doctors_on_territory or 0
        return {"formal": f"Dont {count} en libéral.", "chatty": f"{count} en libéral", "sms": str(count)}[
            style
        ]
    if question == "territory_population":
        population = team.territory_population
        if population is None:
            return {"formal": "Je ne sais pas.", "chatty": "aucune idée", "sms": "sais pas"}[style]
        return {
            "formal": f"Environ {population:,} habitants.".replace(",", " "),
            "chatty": f"à peu près {population} habitants",
            "sms": str(population),
        }[style]
    if question == "region":
        return persona.place[style]
    raise ValueError(f"no answer for {question}")


def plain_answer(persona: Persona, question: str) -> str:
    """What a user types when asked the same question again: the bare value."""
    team = persona.team
    value = getattr(team, question, None) if question != "region" else None
    if question == "region":
        return persona.place["sms"]
    if question == "practice":
        return {"liberal": "Libéraux", "salarie": "Salariés", "mixte": "Les deux"}[team.practice or "liberal"]
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if value is None:
        return "Je ne sais pas"
    return str(value)
