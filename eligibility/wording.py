"""The French wording of the eligibility rules: one template per message code, and nothing else.

The rules (`eligibility.primary_care`, `eligibility.territorial`) return codes with values;
`eligibility.messages.render` fills these templates. A template is a `str.format` string, or a
(singular, plural) pair chosen by the value `n`. Integers are shown with French digit grouping
("20 000"), nested messages are rendered first. tests/eligibility/test_wording.py checks that
every code the rules use has its template here, and that every template is used.

Conventions the actions rely on (see eligibility/rules.py): reasons and notes are full sentences
addressed to the team with "vous"; missing items are noun phrases without final period, read
after "Ce qui manque :"; a reading the sources disagree on ends with "(à vérifier)", a value still
unknown with "(à préciser)".

This is the one place for these sentences rather than domain.yml: they are assembled from
fragments, plurals and the dates of the source documents, and must read the same in the pure
eligibility tests and the scripted-user bench, which have no Rasa domain.
"""

from __future__ import annotations

TEXTS: dict[str, str | tuple[str, str]] = {
    # --- fragments shared by several rules -----------------------------------------------
    "count.gps": ("{n} médecin généraliste", "{n} médecins généralistes"),
    "count.paramedicals": ("{n} paramédical", "{n} paramédicaux"),
    "count.others": ("{n} autre professionnel de santé", "{n} autres professionnels de santé"),
    "count.specialists": ("{n} médecin spécialiste", "{n} médecins spécialistes"),
    "count.members": ("{n} adhérent", "{n} adhérents"),
    "and": "{first} et {second}",
    "to_specify": "{what} (à préciser)",
    "what.gps": "le nombre de médecins généralistes de votre équipe",
    "what.paramedicals": "le nombre de paramédicaux de votre équipe",
    "what.practice": "votre mode d'exercice, libéral ou salarié",
    "missing.gp": "un médecin généraliste",
    "missing.second_gp": "un second médecin généraliste",
    "missing.two_gps": "deux médecins généralistes",
    "missing.paramedical": "un paramédical",
    "missing.paramedical_examples": "un paramédical (infirmier, kinésithérapeute, orthophoniste…)",
    # --- ESP ------------------------------------------------------------------------------
    "esp.gp.none": (
        "Une ESP se constitue autour d'au moins un médecin généraliste ; votre équipe n'en compte aucun."
    ),
    "esp.gp.met": "Vous comptez {gps} ; une ESP en demande au moins un.",
    "esp.partner.met": (
        "Vous comptez {paramedicals} ; une ESP associe au médecin généraliste au moins un paramédical."
    ),
    "esp.partner.none": "Votre équipe ne compte aucun paramédical.",
    "esp.partner.none.missing": (
        "un paramédical, ou à défaut le nombre d'autres professionnels de santé de votre équipe (à préciser)"
    ),
    "esp.partner.nobody": (
        "Une ESP réunit au moins deux professions, un médecin généraliste et un paramédical ou un autre "
        "professionnel de santé ; votre équipe ne compte ni paramédical ni autre professionnel de santé."
    ),
    "esp.partner.disagree": (
        "Vous ne comptez aucun paramédical mais {counted}. Les sources divergent : "
        "Doctolib ({doctolib}) demande « un médecin généraliste et un "
        "paramédical », comme le texte du guide de l'URPS infirmière PACA ({paca_date}) ; "
        "l'annexe du guide de l'ARS Bretagne ({bretagne_date}) demande « Un médecin "
        "généraliste Un autre professionnel de santé », et le tableau du guide PACA « 1 médecin + "
        "1 professionnel de santé »."
    ),
    "esp.partner.disagree.missing": (
        "un paramédical, pour répondre aussi à la définition de Doctolib (à vérifier)"
    ),
    "esp.note.status": (
        "Doctolib ({doctolib}) admet des membres « Libéral ou salarié » ; "
        "en Centre-Val de Loire ({cvl_date}) et en Bretagne "
        "({bretagne_date}), les ESP décrites réunissent des professionnels libéraux "
        "de premier recours."
    ),
    "esp.note.premises": (
        "Vous n'avez pas besoin de partager les mêmes locaux ; l'équipe est reconnue ESP une fois son "
        "projet de santé validé."
    ),
    # --- MSP ------------------------------------------------------------------------------
    "msp.gps.met": "Vous comptez {gps} ; une MSP en demande au moins deux.",
    "msp.gps.one": "Une MSP nécessite au moins deux médecins généralistes ; vous n'en comptez qu'un.",
    "msp.gps.none": "Une MSP nécessite au moins deux médecins généralistes ; votre équipe n'en compte aucun.",
    "msp.paramedicals.met": "Vous comptez {paramedicals} ; une MSP en demande au moins un.",
    "msp.paramedicals.none": "Une MSP nécessite au moins un paramédical ; votre équipe n'en compte aucun.",
    "msp.practice.liberal": "Vous exercez en libéral, comme les professionnels d'une MSP.",
    "msp.practice.salaried": "Les professionnels d'une MSP exercent en libéral ; votre équipe est salariée.",
    "msp.practice.salaried.missing": (
        "un exercice libéral (une équipe salariée relève plutôt du centre de santé)"
    ),
    "msp.practice.mixed": (
        "Votre équipe mêle libéraux et salariés : seuls les membres libéraux peuvent constituer la MSP."
    ),
    "msp.practice.mixed.missing": (
        "deux médecins généralistes et un paramédical exerçant en libéral (à vérifier)"
    ),
    "msp.note.sisa": (
        "Pour percevoir les financements de l'ACI, il vous faudra constituer une SISA, qui compte au "
        "minimum « 2 médecins et 1 paramédical » associés ({paca})."
    ),
    "msp.note.project": (
        "C'est votre projet de santé partagé, et non des locaux communs, qui fait reconnaître la MSP."
    ),
    # --- Centre de santé ------------------------------------------------------------------
    "cds.practice.salaried": "Votre équipe est salariée, comme les professionnels d'un centre de santé.",
    "cds.practice.liberal": (
        "Les professionnels d'un centre de santé y sont salariés ; votre équipe exerce en libéral."
    ),
    "cds.practice.liberal.missing": "un exercice salarié, avec un contrat de travail signé avec le centre",
    "cds.practice.mixed": (
        "Votre équipe mêle libéraux et salariés : dans un centre de santé, les professionnels sont salariés "
        "du centre."
    ),
    "cds.practice.mixed.missing": (
        "un contrat de travail avec le centre pour vos membres libéraux (à vérifier)"
    ),
    "cds.manager.what": "un gestionnaire pour porter le centre",
    "cds.manager.met": "Vous disposez d'un gestionnaire pour porter le centre.",
    "cds.manager.none": "Un centre de santé est porté par un gestionnaire ; vous n'en avez pas encore.",
    "cds.manager.missing": (
        "un gestionnaire (commune ou autre collectivité, association, mutuelle, établissement de santé, "
        "société coopérative d'intérêt collectif…)"
    ),
    "cds.size.met": (
        "Votre équipe compte {total} professionnels de santé ; un centre de santé en réunit au moins deux."
    ),
    "cds.size.what": "le nombre total de professionnels de santé de votre équipe",
    "cds.size.one": (
        "Un centre de santé réunit au moins deux professionnels de santé ; votre équipe en compte un seul."
    ),
    "cds.size.none": (
        "Un centre de santé réunit au moins deux professionnels de santé ; votre équipe en compte aucun."
    ),
    "cds.size.one.missing": "un second professionnel de santé",
    "cds.size.none.missing": "deux professionnels de santé",
    "cds.bretagne.in": "en Bretagne",
    "cds.bretagne.if": "si votre centre est en Bretagne",
    "cds.bretagne.in.start": "En Bretagne",
    "cds.bretagne.if.start": "Si votre centre est en Bretagne",
    "cds.bretagne.what": "le nombre de médecins généralistes et de paramédicaux de votre équipe, {where}",
    "cds.bretagne.met": (
        "Votre équipe compte aussi les « Deux médecins généralistes Un paramédical » de l'annexe du "
        "guide de l'ARS Bretagne ({bretagne_date})."
    ),
    "cds.bretagne.disagree": (
        "{where}, le guide de l'ARS Bretagne ({bretagne_date}) se lit de deux "
        "façons : sa définition demande « au moins deux professionnels de santé », son annexe « Deux "
        "médecins généralistes Un paramédical », et le soutien de la Région demande de « permettre "
        "l'activité d'au moins 2 médecins » ; Doctolib ({doctolib}) admet des centres "
        "« mono-professionnels : exclusivement médicaux ou infirmiers ou dentaires »."
    ),
    "cds.bretagne.disagree.missing": (
        "{lacking} selon l'annexe du guide de l'ARS Bretagne, {where} (à vérifier)"
    ),
    # --- ESS ------------------------------------------------------------------------------
    "ess.specialists.what": "le nombre de médecins spécialistes de votre équipe",
    "ess.specialists.none": (
        "Une ESS regroupe des médecins spécialistes (hors médecine générale) d'une même spécialité ; "
        "votre équipe n'en compte aucun."
    ),
    "ess.specialists.missing": "des médecins spécialistes d'une même spécialité, hors médecine générale",
    "ess.specialists.met": "Vous comptez {specialists} d'une même spécialité.",
    "ess.territory.what": "l'étendue de votre territoire, qui doit couvrir au moins un département",
    "ess.territory.met": "Votre territoire couvre au moins un département.",
    "ess.territory.small": (
        "Le territoire d'une ESS est « a minima départemental » ; le vôtre est plus petit."
    ),
    "ess.territory.missing": "un territoire couvrant au moins un département",
    "ess.doctors.what": "le nombre de médecins de la spécialité sur votre territoire",
    "ess.doctors.met": (
        "Votre territoire compte {doctors} médecins de la spécialité ; il en faut au moins 10."
    ),
    "ess.doctors.few": (
        "Le territoire d'une ESS doit compter au moins 10 médecins de la spécialité ; vous en indiquez "
        "{doctors}."
    ),
    "ess.doctors.missing": "un territoire comptant au moins 10 médecins de la spécialité",
    "ess.liberal.what": "le nombre de médecins libéraux de la spécialité sur votre territoire",
    "ess.liberal.inconsistent": (
        "Vous indiquez plus de médecins libéraux de la spécialité ({liberal}) que de médecins "
        "de la spécialité au total ({total}) sur le territoire."
    ),
    "ess.liberal.inconsistent.missing": "des chiffres cohérents pour votre territoire (à vérifier)",
    "ess.liberal.none": (
        "Vous n'indiquez aucun médecin libéral de la spécialité sur le territoire, alors que le seuil "
        "d'adhérents se calcule sur eux."
    ),
    "ess.liberal.none.missing": (
        "le nombre de médecins libéraux de la spécialité sur votre territoire (à vérifier)"
    ),
    "ess.share": (
        "Vos {specialists} représentent {percent} des {liberal} "
        "médecins libéraux de la spécialité sur le territoire ; il en faut au moins 10\u00a0%."
    ),
    "ess.share.not_only_liberal": (
        "{share} Mais le seuil porte sur les « professionnels libéraux de la spécialité concernée » : "
        "seuls vos spécialistes libéraux comptent, et votre équipe n'exerce pas qu'en libéral."
    ),
    "ess.share.not_only_liberal.missing": (
        "au moins {needed} adhérents libéraux parmi les {liberal} médecins "
        "libéraux de la spécialité (à vérifier)"
    ),
    "ess.share.practice_unknown": (
        "{share} Ne comptez que vos spécialistes libéraux : le seuil porte sur les « professionnels "
        "libéraux de la spécialité concernée »."
    ),
    "ess.share.missing": (
        "{more} de plus, soit au moins {needed} des {liberal} médecins libéraux de la spécialité"
    ),
    "ess.note.existing": (
        "Vérifiez aussi qu'aucune ESS de la même spécialité ne couvre déjà votre territoire."
    ),
    "ess.note.specifications": (
        "Ces critères viennent du cahier des charges validé le 12 décembre 2024 "
        "({cvl}) ; Doctolib ({doctolib}) "
        "définissait l'ESS autrement : « Au moins deux professionnels de santé, dont un médecin "
        "spécialiste (hors médecine générale) et un paramédical »."
    ),
    # --- CPTS -----------------------------------------------------------------------------
    "cpts.doctor.met": (
        "Votre équipe compte au moins un médecin, comme le demande pour une CPTS le guide de "
        "l'{paca_label} ({paca_date})."
    ),
    "cpts.doctor.what": "la présence d'au moins un médecin dans votre équipe",
    "cpts.doctor.paca": (
        "En {paca_region}, une CPTS compte « Au moins un médecin généraliste ou spécialiste » "
        "({paca_label}, {paca_date}) ; votre équipe n'en compte aucun."
    ),
    "cpts.doctor.missing": "au moins un médecin, généraliste ou spécialiste",
    "cpts.doctor.elsewhere": (
        "Votre équipe ne compte aucun médecin : pour la région {paca_region}, "
        "le guide de l'{paca_label} ({paca_date}) demande « Au moins un médecin généraliste ou "
        "spécialiste » ; les autres documents ne fixent pas ce minimum (« Le nombre et le type de "
        "professionnels est variable selon les projets », ARS Occitanie, {occitanie_date})."
    ),
    "cpts.doctor.region_unknown.missing": (
        "au moins un médecin, généraliste ou spécialiste, si votre CPTS est en {paca_region} (à vérifier)"
    ),
    "cpts.population.unknown": (
        "Les seuils de population sont indicatifs : « un seuil minimal suggéré de 20 000 habitants » "
        "selon Doctolib ({doctolib}), de 40 000 à plus de 175 000 habitants « (seuil "
        "indicatif), adaptable selon le territoire » selon l'{paca_label} ({paca_date})."
    ),
    "cpts.population": (
        "Votre territoire compte {population} habitants. Les seuils de population sont "
        "indicatifs et ne bloquent pas : {suggested} « seuil minimal suggéré de 20 000 habitants » "
        "(Doctolib, {doctolib}) ; {paca_range} « de 40 000 à plus de "
        "175 000 habitants (seuil indicatif), adaptable selon le territoire » ({paca_label}, "
        "{paca_date})."
    ),
    "cpts.population.reaches": "vous atteignez le",
    "cpts.population.below": "vous êtes en dessous du",
    "cpts.population.in_range": "vous entrez dans la fourchette",
    "cpts.population.below_range": "vous êtes en dessous de la fourchette",
    "cpts.population.small_example": (
        "À titre d'exemple, l'ARS Occitanie ({occitanie_date}) présente la CPTS Agly Fenouillèdes "
        "Pyrénées, qui couvre 6 799 habitants."
    ),
    "cpts.note.one_per_territory": (
        "Vérifiez qu'aucune CPTS n'existe déjà sur votre territoire : « un même territoire […] ne "
        "peut pas abriter plusieurs CPTS » (Doctolib, {doctolib}), « la règle d'une seule "
        "CPTS pluri thématique par territoire » ({paca_label}, {paca_date})."
    ),
    "cpts.note.form": (
        "Forme juridique : association loi 1901 ({cvl}), « conseillée » mais "
        "« non imposée » selon l'URPS infirmière PACA ({paca_date})."
    ),
}
