"""Scripted users through the running REST channel: does the eligibility dialogue reach the right verdict?

Each persona is a team whose truth is a `Team`; the expected verdicts are
`eligibility.rules.assess_all(team)`. The scripted user opens the conversation (with or without
details up front), answers each question the assistant asks in natural words, in one of three
styles (formal, chatty, SMS), and clicks a button (or types a bare value) only when the same
question is asked again. A conversation is *reached* when the verdict arrives, *correct* when its
line per structure equals the expected verdict; every question asked again counts as a re-ask.

    python -m bench.eligibility_users --url http://127.0.0.1:5005            # full set
    python -m bench.eligibility_users --url … --reduced --markdown out.md  # the pytest subset
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from eligibility.rules import ASSESSED_STRUCTURES, Verdict, assess_all
from eligibility.team import Team

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK = "/webhooks/rest/webhook"
STYLES = ("formal", "chatty", "sms")
MAX_TURNS = 25
TIMEOUT = aiohttp.ClientTimeout(total=120)
VERDICT_MARK = {"✅": Verdict.ACCESSIBLE, "❌": Verdict.NOT_ACCESSIBLE, "❔": Verdict.TO_CHECK}
VERDICT_HEADER = "**Résultat pour votre équipe**"

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


# --- personas ------------------------------------------------------------------------------


def _place(formal: str, chatty: str, sms: str, region: str) -> dict[str, str]:
    """How the place is said in each style, and the region id it stands for (key "region")."""
    return {"formal": formal, "chatty": chatty, "sms": sms, "region": region}


CVL = "centre-val-de-loire"
BRETAGNE = _place("Nous exerçons en Bretagne.", "en bretagne", "bretagne", "bretagne")
VANNES = _place("Je suis kinésithérapeute à Vannes.", "je suis kiné à Vannes", "vannes", "bretagne")
BLOIS = _place("Nous exerçons près de Blois.", "on exerce près de Blois", "blois", CVL)
LOIRET = _place("Dans le Loiret.", "dans le loiret", "loiret", CVL)
TOURS = _place("Notre cabinet est à Tours.", "on est à Tours", "tours", CVL)
OCCITANIE = _place("En Occitanie.", "occitanie", "occitanie", "occitanie")
MONTPELLIER = _place(
    "Nous sommes installés à Montpellier.", "on bosse à Montpellier", "montpellier", "occitanie"
)
PACA = _place("En région Provence-Alpes-Côte d'Azur.", "en PACA", "paca", "paca")
BREST = _place("À Brest.", "on est à Brest", "brest", "bretagne")
FINISTERE = _place("Dans le Finistère.", "finistère", "29", "bretagne")

NURSES = (Group(2, "infirmière", "infirmières", True),)
NURSE_KINE = (Group(2, "infirmière", "infirmières", True), Group(1, "kiné", "kinés"))
PHARMA = (Group(1, "pharmacienne", "pharmaciennes", True),)


def personas() -> list[Persona]:
    """At least 40 teams, every structure's boundary on both sides."""
    people: list[Persona] = []

    def add(
        name: str,
        place: dict[str, str],
        team: Team,
        **how: Any,
    ) -> None:
        people.append(Persona(name, team, place, **how))

    lib, sal, mix = "liberal", "salarie", "mixte"
    base = {"other_professionals": 0, "specialists": 0}
    # 1 vs 2 GPs (ESP / MSP), liberal.
    for gps in (1, 2):
        for place in (BRETAGNE, VANNES):
            add(
                f"{gps} MG + IDE + kiné libéraux ({place['sms']})",
                place,
                Team(
                    general_practitioners=gps,
                    paramedicals=3,
                    practice=lib,
                    territory_population=25000,
                    **base,
                ),
                paramedicals=NURSE_KINE,
            )
    # No doctor.
    add(
        "pas de médecin, 2 IDE",
        BLOIS,
        Team(general_practitioners=0, paramedicals=2, practice=lib, territory_population=None, **base),
        paramedicals=NURSES,
    )
    add(
        "pas de médecin, IDE + pharmacienne",
        TOURS,
        Team(
            general_practitioners=0,
            paramedicals=2,
            other_professionals=1,
            specialists=0,
            practice=lib,
            territory_population=12000,
        ),
        paramedicals=NURSES,
        others=PHARMA,
    )
    add(
        "pas de médecin en PACA, 2 IDE",  # the PACA guide asks a CPTS for at least one doctor
        PACA,
        Team(general_practitioners=0, paramedicals=2, practice=lib, territory_population=30000, **base),
        paramedicals=NURSES,
    )
    # MG without paramedical.
    add(
        "2 MG sans paramédical",
        LOIRET,
        Team(general_practitioners=2, paramedicals=0, practice=lib, territory_population=30000, **base),
    )
    add(
        "3 MG + pharmacienne",
        OCCITANIE,
        Team(
            general_practitioners=3,
            paramedicals=0,
            other_professionals=1,
            specialists=0,
            practice=lib,
            territory_population=45000,
        ),
        others=PHARMA,
    )
    # Salaried, with or without a gestionnaire named in words (centre de santé).
    for manager in ("la mairie", "l'hôpital", "une mutuelle", "notre association"):
        add(
            f"salariés, gestionnaire {manager}",
            MONTPELLIER,
            Team(
                general_practitioners=2,
                paramedicals=2,
                practice=sal,
                has_manager=True,
                territory_population=60000,
                **base,
            ),
            paramedicals=NURSES,
            manager=manager,
        )
    add(
        "salariés sans gestionnaire",
        BREST,
        Team(
            general_practitioners=2,
            paramedicals=2,
            practice=sal,
            has_manager=False,
            territory_population=40000,
            **base,
        ),
        paramedicals=NURSES,
    )
    add(
        "1 MG salarié seul + IDE, mairie",
        FINISTERE,
        Team(
            general_practitioners=1,
            paramedicals=1,
            practice=sal,
            has_manager=True,
            territory_population=8000,
            **base,
        ),
        paramedicals=(Group(1, "infirmière", "infirmières", True),),
        manager="la mairie",
    )
    # Mixed teams.
    for has_manager in (True, False):
        add(
            f"équipe mixte, gestionnaire {has_manager}",
            TOURS,
            Team(
                general_practitioners=3,
                paramedicals=3,
                practice=mix,
                has_manager=has_manager,
                territory_population=35000,
                **base,
            ),
            paramedicals=NURSE_KINE,
            manager="la commune",
        )
    # CPTS population: known, unknown, PACA threshold, 330000 as a bare number.
    for population in (15000, 20000, 40000, 330000, None):
        add(
            f"CPTS, population {population}",
            PACA if population == 40000 else BLOIS,
            Team(
                general_practitioners=4, paramedicals=3, practice=lib, territory_population=population, **base
            ),
            paramedicals=NURSE_KINE,
        )
    # ESS: 9 vs 10 specialists on the territory, 9.9 % vs 10 %, territory smaller than a département.
    spec = Group(12, "pneumologue", "pneumologues")
    for doctors in (9, 10):
        add(
            f"ESS, {doctors} pneumologues sur le territoire",
            BLOIS,
            Team(
                general_practitioners=0,
                paramedicals=0,
                other_professionals=0,
                specialists=3,
                practice=lib,
                territory_is_department_or_more=True,
                specialty_doctors_on_territory=doctors,
                liberal_specialty_doctors_on_territory=doctors,
                territory_population=None,
            ),
            specialists=Group(3, "pneumologue", "pneumologues"),
            department="le Loir-et-Cher",
        )
    for liberal in (100, 101):
        add(
            f"ESS, 10 cardiologues sur {liberal} libéraux",
            VANNES,
            Team(
                general_practitioners=0,
                paramedicals=0,
                other_professionals=0,
                specialists=10,
                practice=lib,
                territory_is_department_or_more=True,
                specialty_doctors_on_territory=150,
                liberal_specialty_doctors_on_territory=liberal,
                territory_population=None,
            ),
            specialists=Group(10, "cardiologue", "cardiologues"),
            department="le Morbihan",
        )
    add(
        "ESS, territoire plus petit qu'un département",
        MONTPELLIER,
        Team(
            general_practitioners=0,
            paramedicals=0,
            other_professionals=0,
            specialists=12,
            practice=lib,
            territory_is_department_or_more=False,
            specialty_doctors_on_territory=40,
            liberal_specialty_doctors_on_territory=30,
            territory_population=None,
        ),
        specialists=spec,
    )
    add(
        "ESS, tout le Cher",
        TOURS,
        Team(
            general_practitioners=0,
            paramedicals=0,
            other_professionals=0,
            specialists=12,
            practice=lib,
            territory_is_department_or_more=True,
            specialty_doctors_on_territory=40,
            liberal_specialty_doctors_on_territory=30,
            territory_population=None,
        ),
        specialists=spec,
        department="le Cher",
    )
    add(
        "MG + pédiatre + IDE",
        BRETAGNE,
        Team(
            general_practitioners=2,
            paramedicals=2,
            other_professionals=0,
            specialists=1,
            practice=lib,
            territory_is_department_or_more=False,
            specialty_doctors_on_territory=20,
            liberal_specialty_doctors_on_territory=15,
            territory_population=25000,
        ),
        paramedicals=NURSES,
        specialists=Group(1, "pédiatre", "pédiatres"),
    )
    # Details up front (the opening says the team; the dialogue asks only what is missing).
    add(
        "d'emblée : pneumologues ESS",
        BLOIS,
        Team(
            general_practitioners=0,
            paramedicals=0,
            other_professionals=0,
            specialists=12,
            practice=lib,
            territory_is_department_or_more=True,
            specialty_doctors_on_territory=40,
            liberal_specialty_doctors_on_territory=30,
            territory_population=None,
        ),
        specialists=spec,
        department="le Loir-et-Cher",
        opening={
            "formal": "Bonjour, douze pneumologues libéraux peuvent-ils créer une ESS ensemble ?",
            "chatty": "des pneumologues peuvent-ils créer une ESS ensemble ? on est 12",
            "sms": "12 pneumologues ESS possible ?",
        },
    )
    add(
        "d'emblée : mairie et médecins salariés",
        MONTPELLIER,
        Team(
            general_practitioners=3,
            paramedicals=0,
            practice=sal,
            has_manager=True,
            territory_population=50000,
            **base,
        ),
        manager="la mairie",
        opening={
            "formal": "La mairie souhaite ouvrir un lieu de soins avec trois médecins salariés : "
            "quelle structure est possible ?",
            "chatty": "la mairie veut ouvrir un lieu de soins avec 3 médecins salariés, c'est quoi "
            "comme structure ?",
            "sms": "mairie + 3 medecins salariés quelle structure",
        },
    )
    add(
        "d'emblée : kiné à Vannes",
        VANNES,
        Team(general_practitioners=2, paramedicals=1, practice=lib, territory_population=45000, **base),
        paramedicals=(Group(1, "kiné", "kinés"),),
        opening={
            "formal": "Je suis kinésithérapeute à Vannes, avec deux médecins généralistes : "
            "pouvons-nous créer une maison de santé ?",
            "chatty": "je suis kiné à Vannes, on peut faire une MSP avec les 2 généralistes du coin ?",
            "sms": "kiné a vannes + 2 mg, msp possible ?",
        },
    )
    add(
        "d'emblée : près de Blois",
        BLOIS,
        Team(general_practitioners=1, paramedicals=2, practice=lib, territory_population=18000, **base),
        paramedicals=NURSES,
        opening={
            "formal": "Nous exerçons près de Blois : un médecin généraliste et deux infirmières. "
            "Quelle structure pouvons-nous créer ?",
            "chatty": "on exerce près de Blois, 1 généraliste et 2 infirmières, on peut créer quoi ?",
            "sms": "pres de blois 1 mg 2 ide on peut faire quoi",
        },
    )
    add(
        "d'emblée : 2 MG 1 IDE en Bretagne",
        BRETAGNE,
        Team(general_practitioners=2, paramedicals=1, practice=lib, territory_population=None, **base),
        paramedicals=(Group(1, "infirmière", "infirmières", True),),
        opening={
            "formal": "Nous sommes deux médecins généralistes et une infirmière en Bretagne : "
            "sommes-nous éligibles à une MSP ?",
            "chatty": "on est 2 médecins et une infirmière en bretagne, on peut faire une msp ?",
            "sms": "2 mg 1 ide bretagne msp ?",
        },
    )
    # Gestionnaire named in words with mixed practice; towns instead of régions.
    for place in (BREST, MONTPELLIER, TOURS, LOIRET):
        add(
            f"mixte avec une mutuelle ({place['sms']})",
            place,
            Team(
                general_practitioners=2,
                paramedicals=4,
                other_professionals=1,
                specialists=0,
                practice=mix,
                has_manager=True,
                territory_population=28000,
            ),
            paramedicals=(Group(2, "infirmière", "infirmières", True), Group(2, "kiné", "kinés")),
            others=PHARMA,
            manager="une mutuelle",
        )
    # Larger liberal teams, words for counts.
    for gps, place in ((5, FINISTERE), (8, OCCITANIE), (2, TOURS)):
        add(
            f"{gps} MG libéraux + sage-femme",
            place,
            Team(
                general_practitioners=gps,
                paramedicals=2,
                other_professionals=1,
                specialists=0,
                practice=lib,
                territory_population=50000,
            ),
            paramedicals=NURSES,
            others=(Group(1, "sage-femme", "sages-femmes", True),),
        )
    return people


REDUCED = (
    "1 MG + IDE + kiné libéraux (bretagne)",
    "2 MG + IDE + kiné libéraux (vannes)",
    "pas de médecin, 2 IDE",
    "salariés, gestionnaire la mairie",
    "équipe mixte, gestionnaire True",
    "CPTS, population 330000",
    "ESS, 9 pneumologues sur le territoire",
    "ESS, 10 cardiologues sur 101 libéraux",
    "d'emblée : pneumologues ESS",
    "d'emblée : mairie et médecins salariés",
)


# --- the conversation ----------------------------------------------------------------------


QUESTION_PREFIX = 25  # characters that tell the questions apart, however their end is reworded


def question_texts(domain_path: Path = ROOT / "domain.yml") -> dict[str, str]:
    """The opening words of each form question -> its slot, from domain.yml."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    questions = {}
    for name, variants in domain["responses"].items():
        if name.startswith("utter_ask_") and name != "utter_ask_rephrase":
            slot = name[len("utter_ask_") :]
            if slot in domain["slots"]:
                questions[variants[0]["text"][:QUESTION_PREFIX]] = slot
    return questions


def read_verdict(text: str) -> dict[str, Verdict]:
    """The verdict per structure, from the lines "✅ MSP : accessible." in structure order."""
    marks = [VERDICT_MARK[line[0]] for line in text.splitlines() if line[:1] in VERDICT_MARK]
    return dict(zip(ASSESSED_STRUCTURES, marks, strict=False))


@dataclass
class Outcome:
    persona: str
    style: str
    reached: bool = False
    correct: bool = False
    reasks: int = 0
    offers: int = 0  # the check started from an offer button rather than from the opening
    turns: int = 0
    transcript: list[str] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)
    got: dict[str, str] = field(default_factory=dict)


async def converse(
    http: aiohttp.ClientSession, url: str, persona: Persona, style: str, questions: dict[str, str]
) -> Outcome:
    sender = f"elig-{uuid.uuid4().hex[:12]}"
    outcome = Outcome(persona.name, style)
    outcome.expected = {
        item.structure: item.verdict.name.lower()
        for item in assess_all(persona.team, persona.place["region"])
    }

    async def say(message: str) -> list[dict[str, Any]]:
        outcome.transcript.append(f"> {message}")
        async with http.post(
            url + WEBHOOK, json={"sender": sender, "message": message}, timeout=TIMEOUT
        ) as reply:
            reply.raise_for_status()
            answers = await reply.json()
        for item in answers:
            outcome.transcript.append(f"< {item.get('text', '')}")
        return answers

    answers = await say(persona.opening.get(style) or OPENINGS[style])
    last_question: str | None = None
    for _ in range(MAX_TURNS):
        outcome.turns += 1
        texts = [item.get("text") or "" for item in answers]
        start = next((index for index, text in enumerate(texts) if text.startswith(VERDICT_HEADER)), None)
        if start is not None:
            # The channel may split the verdict into one message per structure.
            verdict = "\n".join(texts[start:])
            got = read_verdict(verdict)
            outcome.reached = True
            outcome.got = {key: value.name.lower() for key, value in got.items()}
            outcome.correct = outcome.got == outcome.expected
            return outcome
        asked = [questions[text[:QUESTION_PREFIX]] for text in texts if text[:QUESTION_PREFIX] in questions]
        if not asked:
            # An answer that offers the check (a button) is taken up once; anything else means the
            # dialogue never started or left the form: not reached.
            offer = next(
                (
                    button["payload"]
                    for item in answers
                    for button in item.get("buttons") or []
                    if str(button.get("payload", "")).startswith("/check_eligibility")
                ),
                None,
            )
            if offer is None or outcome.offers:
                return outcome
            outcome.offers += 1
            answers = await say(offer)
            continue
        question = asked[-1]
        again = question == last_question
        if again:
            outcome.reasks += 1
            buttons = [button for item in answers for button in item.get("buttons") or []]
            wanted = plain_answer(persona, question)
            chosen = next(
                (b["payload"] for b in buttons if b.get("title", "").casefold() == wanted.casefold()), None
            )
            message = chosen or wanted
        else:
            message = answer(persona, question, style)
        last_question = question
        answers = await say(message)
    return outcome


async def run_all(
    url: str, people: Sequence[Persona], styles: Sequence[str] = STYLES, concurrency: int = 4
) -> list[Outcome]:
    questions = question_texts()
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def one(persona: Persona, style: str) -> Outcome:
            async with semaphore:
                return await converse(http, url, persona, style, questions)

        return list(await asyncio.gather(*(one(p, s) for p in people for s in styles)))


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    total = len(outcomes)
    by_style = {
        style: {
            "conversations": sum(1 for o in outcomes if o.style == style),
            "correct": sum(1 for o in outcomes if o.style == style and o.correct),
            "reasks": sum(o.reasks for o in outcomes if o.style == style),
        }
        for style in STYLES
    }
    return {
        "personas": len({o.persona for o in outcomes}),
        "conversations": total,
        "reached": sum(o.reached for o in outcomes),
        "correct": sum(o.correct for o in outcomes),
        "reasks_per_conversation": round(sum(o.reasks for o in outcomes) / total, 3) if total else 0.0,
        "started_from_an_offer": sum(1 for o in outcomes if o.offers),
        "by_style": by_style,
    }


def markdown(outcomes: Sequence[Outcome]) -> str:
    figures = summary(outcomes)
    lines = [
        f"- personas: {figures['personas']}, conversations: {figures['conversations']}",
        f"- verdict reached: {figures['reached']}/{figures['conversations']}, "
        f"correct: {figures['correct']}/{figures['conversations']}",
        f"- re-asks per conversation: {figures['reasks_per_conversation']}",
        f"- check started from an offer button (opening not taken as a request): "
        f"{figures['started_from_an_offer']}",
        "",
        "| style | conversations | correct | re-asks |",
        "| --- | --- | --- | --- |",
    ]
    for style, row in figures["by_style"].items():
        lines.append(f"| {style} | {row['conversations']} | {row['correct']} | {row['reasks']} |")
    failures = [o for o in outcomes if not o.correct or o.reasks]
    if failures:
        lines += ["", "Conversations not correct or with a re-ask:", ""]
        for outcome in failures:
            lines.append(
                f"- {outcome.persona} ({outcome.style}): reached={outcome.reached} "
                f"re-asks={outcome.reasks} expected={outcome.expected} got={outcome.got}"
            )
    return "\n".join(lines) + "\n"


def select(names: Sequence[str] | None) -> list[Persona]:
    people = personas()
    if names is None:
        return people
    chosen = [person for person in people if person.name in names]
    missing = set(names) - {person.name for person in chosen}
    if missing:
        raise ValueError(f"unknown personas: {sorted(missing)}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa's URL (REST channel)")
    parser.add_argument("--reduced", action="store_true", help="the subset the pytest runs")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write every outcome with its transcript here")
    parser.add_argument("--markdown", type=Path, help="write the summary table here")
    args = parser.parse_args(argv)
    people = select(REDUCED if args.reduced else None)
    outcomes = asyncio.run(run_all(args.url, people, concurrency=args.concurrency))
    print(json.dumps(summary(outcomes), indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(
            json.dumps([o.__dict__ for o in outcomes], indent=1, ensure_ascii=False), encoding="utf-8"
        )
    if args.markdown:
        args.markdown.write_text(markdown(outcomes), encoding="utf-8")
    else:
        print(markdown(outcomes))
    return 0 if all(o.correct for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
