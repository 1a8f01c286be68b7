"""The scripted users of the eligibility dialogue: 41 teams, every structure's boundary on both sides.

Each persona is a team (`Team`) with the words its members use, played in every style by
`bench.eligibility_users`; `REDUCED` is the subset the pytest plays through the REST channel.
"""

from __future__ import annotations

from typing import Any

from bench.eligibility_wording import Group, Persona
from eligibility.team import Team


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
