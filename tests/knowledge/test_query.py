"""Query API against the real data, on SQLite and on PostgreSQL (fixture `any_kb`)."""

from __future__ import annotations

import pytest

from knowledge import topics
from knowledge.query import KnowledgeBase, UnknownRegionError
from knowledge.types import Comparison, Fact, Funding

CVL = "centre-val-de-loire"


def only(rows: list[Funding], label: str) -> Funding:
    matching = [row for row in rows if row.label == label]
    assert len(matching) == 1, [row.label for row in rows]
    return matching[0]


def test_structures_are_the_eight_of_the_contract(any_kb: KnowledgeBase) -> None:
    ids = [structure.id for structure in any_kb.structures()]
    assert ids == ["esp", "msp", "cds", "ess", "cpts", "pta", "pole_sante", "asso_infirmiers"]
    msp = any_kb.structure("msp")
    assert msp is not None
    assert msp.acronym == "MSP"
    assert msp.name == "Maison de santé pluriprofessionnelle"
    assert "maison de santé" in msp.synonyms


@pytest.mark.parametrize(
    ("name", "expected"),
    [("maison de sante", "msp"), ("Communauté professionnelle territoriale de santé", "cpts"), ("x", None)],
)
def test_structure_accepts_names(any_kb: KnowledgeBase, name: str, expected: str | None) -> None:
    structure = any_kb.structure(name)
    assert (structure.id if structure else None) == expected


def test_ess_funding_has_the_80_000_seed_and_the_annual_grant(any_kb: KnowledgeBase) -> None:
    rows = any_kb.funding("ess")
    seed = only(rows, "Crédit d'amorçage")
    assert (seed.amount_min, seed.amount_max, seed.unit) == (80000, 80000, "au démarrage")
    annual = only(rows, "Dotation annuelle")
    assert (annual.amount_min, annual.amount_max, annual.unit) == (50000, 100000, "par an")
    assert seed.source.region == CVL and seed.source.date == "2025"


def test_cpts_operating_envelope_is_50_000_to_90_000(any_kb: KnowledgeBase) -> None:
    envelope = only(any_kb.funding("cpts"), "Enveloppe de fonctionnement")
    assert (envelope.amount_min, envelope.amount_max) == (50000, 90000)
    assert envelope.source.publisher == "Doctolib"
    assert "5 ans" in envelope.conditions


def test_paca_cpts_start_up_aids(any_kb: KnowledgeBase) -> None:
    rows = any_kb.funding("cpts", "paca")
    assert rows[0].source.region == "paca"
    start = only(rows, "Aide au démarrage")
    support = only(rows, "Aide d'accompagnement à la constitution")
    assert (start.amount_min, support.amount_min) == (40000, 20000)
    assert start.funder == "ARS PACA"


def test_msp_funding_amounts_from_centre_val_de_loire_and_occitanie(any_kb: KnowledgeBase) -> None:
    rows = any_kb.funding("msp", "occitanie")
    fir = only(rows, "FIR (ARS)")
    assert (fir.amount_min, fir.amount_max, fir.unit) == (15000, 15000, "en une fois")
    aci_cvl = only(rows, "ACI MSP")
    assert (aci_cvl.amount_avg, aci_cvl.unit) == (80000, "par an")
    aci_occitanie = only(rows, "ACI (rémunération d'équipe)")
    assert aci_occitanie.amount_avg == 65000
    assert "2017" in aci_occitanie.text
    # Occitanie asked: its row comes before every other region's.
    assert rows[0] is aci_occitanie or rows[0].source.region == "occitanie"


def test_esp_funding_keeps_both_versions(any_kb: KnowledgeBase) -> None:
    """National 2023: no specific FIR; Centre-Val de Loire 2025: 7 500 € a year per team."""
    rows = any_kb.funding("esp")
    national = only(rows, "Fonds d'intervention régional (FIR)")
    regional = only(rows, "Dispositif ESP-CVL")
    assert national.amount_min is None and national.source.region == "national"
    assert "Pas de financement spécifique" in national.text
    assert (regional.amount_min, regional.unit) == (7500, "par an et par équipe")
    assert rows.index(national) < rows.index(regional)  # no region asked: national first

    in_cvl = any_kb.funding("esp", CVL)
    assert in_cvl[0].label == "Dispositif ESP-CVL"


def test_region_order_is_region_then_national_then_others(any_kb: KnowledgeBase) -> None:
    facts = any_kb.facts("cpts", topics.TERRITORY, "bretagne")
    regions = [fact.region for fact in facts]
    assert regions  # Bretagne has nothing on CPTS territory: national first, then the others
    assert regions[0] == "national"
    first_other = next(index for index, region in enumerate(regions) if region != "national")
    assert all(region == "national" for region in regions[:first_other])
    assert "national" not in regions[first_other:]

    in_paca = [fact.region for fact in any_kb.facts("cpts", topics.TERRITORY, "paca")]
    assert in_paca[0] == "paca"
    assert in_paca.index("national") > max(i for i, r in enumerate(in_paca) if r == "paca")


def test_other_regions_come_newest_document_first(any_kb: KnowledgeBase) -> None:
    facts = any_kb.facts("msp", topics.DEFINITION)
    others = [fact.source.date for fact in facts if fact.region != "national"]
    assert others == sorted(others, reverse=True)
    assert others[0] == "2025"


def test_region_accepts_names_and_departements(any_kb: KnowledgeBase) -> None:
    by_id = any_kb.funding("esp", CVL)
    assert any_kb.funding("esp", "Loir-et-Cher") == by_id
    assert any_kb.funding("esp", "41") == by_id


def test_unknown_region_is_an_error(any_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownRegionError, match="Atlantide"):
        any_kb.facts("msp", topics.DEFINITION, "Atlantide")


def test_cpts_population_thresholds_disagree_and_both_are_returned(any_kb: KnowledgeBase) -> None:
    texts = [fact.text for fact in any_kb.facts("cpts", topics.TERRITORY)]
    assert any("20 000 habitants" in text for text in texts)
    assert any("40 000 à plus de 175 000 habitants" in text for text in texts)


def test_ess_definitions_before_and_after_the_2024_specifications(any_kb: KnowledgeBase) -> None:
    members = any_kb.facts("ess", topics.MEMBERS)
    doctolib = [fact for fact in members if fact.source.publisher == "Doctolib"]
    cvl = [fact for fact in members if fact.region == CVL]
    assert doctolib and "médecin spécialiste" in doctolib[0].text and "paramédical" in doctolib[0].text
    assert any("10 médecins" in fact.text for fact in cvl)
    definitions = " ".join(fact.text for fact in any_kb.facts("ess", topics.DEFINITION))
    assert "12 décembre 2024" in definitions


def test_cds_minimum_members_both_versions(any_kb: KnowledgeBase) -> None:
    texts = [fact.text for fact in any_kb.facts("cds", topics.MEMBERS, "bretagne")]
    assert "Un centre de santé réunit au moins deux professionnels de santé." in texts
    assert any("deux médecins généralistes et un paramédical" in text for text in texts)


def test_funding_topic_includes_funding_rows_amounts_first(any_kb: KnowledgeBase) -> None:
    facts = any_kb.facts("ess", topics.FUNDING, CVL)
    assert all(isinstance(fact, Fact) and fact.topic == topics.FUNDING for fact in facts)
    assert facts[0].text == "Un crédit d'amorçage de 80 000 €."


def test_general_facts_have_no_structure(any_kb: KnowledgeBase) -> None:
    facts = any_kb.facts(None, topics.DEFINITION)
    assert facts and all(fact.structure is None for fact in facts)
    assert any("au moins deux professions différentes" in fact.text for fact in facts)


def test_sisa_needs_two_doctors_and_one_paramedical(any_kb: KnowledgeBase) -> None:
    sisa = any_kb.legal_form("SISA")
    assert sisa is not None
    assert sisa.minimum_partners == "2 médecins et 1 paramédical"
    assert sisa.name == "Société interprofessionnelle de soins ambulatoires"
    forms = any_kb.legal_forms()
    assert [form.id for form in forms] == ["scm", "scp", "sel", "sisa", "association"]
    assert forms[0].cpts_membership == "Pas d'adhésion possible à une CPTS"
    assert any_kb.legal_form("inconnue") is None


def test_medico_social_table(any_kb: KnowledgeBase) -> None:
    items = {item.acronym: item for item in any_kb.medico_social()}
    assert list(items) == ["SAAD", "SSIAD", "SPASAD", "SSR", "EHPAD"]
    assert items["EHPAD"].inclusion_criteria == "Plus de 60 ans"
    assert items["SSIAD"].funding == "CPAM"
    assert items["SPASAD"].practice is None  # the table says nothing: nothing is invented


@pytest.mark.parametrize(
    ("department", "expected"),
    [
        ("13", {"Apport Santé": "04 42 642 642", "Pratic santé": "04 91 52 23 21"}),
        ("Bouches-du-Rhône", {"Apport Santé": "04 42 642 642", "Pratic santé": "04 91 52 23 21"}),
        ("05", {"PTA des Hautes Alpes": "04 92 23 41 08"}),
        (
            "Var",
            {
                "Coordination Territoriale des Aînés (CTA)": "04 94 47 02 02",
                "PTA Var Ouest": "04 94 35 32 01",
            },
        ),
        ("29", {}),
    ],
)
def test_platforms_by_departement(any_kb: KnowledgeBase, department: str, expected: dict[str, str]) -> None:
    assert {item.name: item.phone for item in any_kb.platforms(department)} == expected


def test_all_platforms_and_the_one_without_phone(any_kb: KnowledgeBase) -> None:
    platforms = any_kb.platforms()
    assert len(platforms) == 10
    cap_azur = next(item for item in platforms if item.name == "Cap Azur Santé")
    assert cap_azur.phone is None and "décembre 2019" in cap_azur.note
    assert {item.source.region for item in platforms} == {"paca"}
    with pytest.raises(ValueError, match="Département inconnu"):
        any_kb.platforms("Narnia")


def test_cpts_examples_of_occitanie(any_kb: KnowledgeBase) -> None:
    examples = any_kb.cpts_examples()
    assert len(examples) == 7
    providence = next(item for item in examples if item.name == "CPTS La Providence")
    assert providence.population == 152581
    assert providence.departments == ("31",)
    assert providence.initiative == "SISA MSPU La Providence"
    assert "Fluidification du parcours ville-hôpital" in providence.objectives
    assert [item.name for item in any_kb.cpts_examples("Pyrénées-Orientales")] == [
        "CPTS Agly Corbières Méditerranée",
        "CPTS Agly Fenouillèdes Pyrénées",
        "CPTS Pays de Santé Conflent",
    ]


def test_steps_are_ordered_and_regional_first(any_kb: KnowledgeBase) -> None:
    procedures = any_kb.steps("cpts", "paca")
    assert procedures[0].source.region == "paca"
    assert procedures[0].steps[0].startswith("Organiser une réunion d'information")
    assert len(procedures[0].steps) == 5
    bretagne = any_kb.steps("msp", "bretagne")[0]
    assert bretagne.steps[-2:] == (
        "Pour bénéficier du financement de la coordination, constituer une SISA.",
        "Adhérer à l'accord conventionnel interprofessionnel (ACI).",
    )
    assert any_kb.steps("inconnue") == []


def test_compare_nothing_known(any_kb: KnowledgeBase) -> None:
    assert any_kb.compare([]) == Comparison((), ())
    assert [item.id for item in any_kb.compare(["inconnue", "cds"]).structures] == ["cds"]


def test_compare_rows_follow_the_comparison_criteria(any_kb: KnowledgeBase) -> None:
    comparison = any_kb.compare(["msp", "cpts", "msp"])
    assert isinstance(comparison, Comparison)
    assert [structure.id for structure in comparison.structures] == ["msp", "cpts"]
    criteria = [row.topic for row in comparison.rows]
    assert criteria[:3] == [topics.APPROACH, topics.TERRITORY, topics.MEMBERS]
    assert topics.FUNDING in criteria and topics.LEGAL_FORM in criteria
    legal = next(row for row in comparison.rows if row.topic == topics.LEGAL_FORM)
    assert legal.values["cpts"][0].text.startswith("Forme juridique : association loi 1901")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ccopd", "CCOP-D"),
        ("CCOP-D", "CCOP-D"),
        ("Ccop d", "CCOP-D"),
        ("cds", "CDS"),
        ("CdS", "CDS"),
        ("sisas", "SISA"),
        ("GECO Lib", "GECO Lib'"),
        ("fonds d'intervention régional", "FIR"),
        ("maison de santé", "MSP"),
    ],
)
def test_glossary_is_tolerant(any_kb: KnowledgeBase, term: str, expected: str) -> None:
    entry = any_kb.glossary(term)
    assert entry is not None and entry.term == expected


def test_glossary_entries_carry_sources_and_variants(any_kb: KnowledgeBase) -> None:
    fir = any_kb.glossary("FIR")
    assert fir is not None
    assert fir.expansion == "Fonds d'intervention régional"
    assert "Fonds d'Investissement Régional" in fir.note
    assert {source.region for source in fir.sources} == {"paca", "national", CVL}
    cmu = any_kb.glossary("CMU")
    assert cmu is not None and cmu.developed is False
    assert any_kb.glossary("xyzzy") is None
    assert any_kb.glossary("") is None


def test_contacts_for_a_region_and_a_structure(any_kb: KnowledgeBase) -> None:
    contacts = any_kb.contacts(CVL, "ess")
    assert contacts[0].name.startswith("URPS Médecins libéraux Centre-Val de Loire")
    assert contacts[0].email == "ess@urpsml-cvdl.org"
    assert all(not item.structures or "ess" in item.structures for item in contacts)

    bretagne = [item for item in any_kb.contacts("bretagne") if item.region == "bretagne"]
    ars = next(item for item in bretagne if item.name == "Agence régionale de santé Bretagne")
    assert ars.phone == "02 22 06 73 37"
    assert ars.email == "ars-bretagne-secretariat-dosar@ars.sante.fr"
    assert [item.region for item in any_kb.contacts("bretagne")][: len(bretagne)] == ["bretagne"] * len(
        bretagne
    )


def test_no_contact_for_a_region_without_documents(any_kb: KnowledgeBase) -> None:
    contacts = any_kb.contacts("Rhône")
    assert contacts and all(item.region != "auvergne-rhone-alpes" for item in contacts)


def test_sources_and_citations(any_kb: KnowledgeBase) -> None:
    sources = {source.file: source for source in any_kb.sources()}
    assert len(sources) == 5
    assert sources["002_4abe0d26f821563e.txt"].reference == (
        "guide « Exercice coordonné », URPS infirmière PACA (Provence-Alpes-Côte d'Azur, juin 2019)"
    )
    assert sources["001_c14e9e1960c72a5f.txt"].region_name == "France entière"


def test_regions_flags_documented_ones(any_kb: KnowledgeBase) -> None:
    documented = {region.id for region in any_kb.regions() if region.has_documents}
    assert documented == {"national", CVL, "bretagne", "paca", "occitanie"}


def test_available_topics(any_kb: KnowledgeBase) -> None:
    available = any_kb.available_topics("asso_infirmiers")
    assert available == [topics.DEFINITION, topics.LEGAL_FORM, topics.JOIN, topics.FEES, topics.FUNDING]
    # The documents say nothing of a PTA's funding or creation.
    assert any_kb.available_topics("pta") == [
        topics.DEFINITION,
        topics.TERRITORY,
        topics.MISSIONS,
        topics.JOIN,
        topics.LEGAL_REFERENCES,
    ]
