"""The search index over the real knowledge base (SQLite loaded from knowledge/data)."""

from __future__ import annotations

import pytest

from knowledge import search, topics
from knowledge.query import KnowledgeBase
from knowledge.search import SearchIndex


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> SearchIndex:
    return SearchIndex.build(kb)


def best(index: SearchIndex, question: str, **boosts) -> search.Entry:
    hits = index.search(question, **boosts)
    assert hits, f"nothing found for {question!r}"
    return hits[0].entry


def test_every_row_of_the_knowledge_base_is_indexed(index: SearchIndex, kb: KnowledgeBase) -> None:
    kinds = {kind: [entry for entry in index.entries if entry.kind == kind] for kind in search.KINDS}
    assert len(kinds[search.FACT]) == len(kb.all_facts())
    assert len(kinds[search.FUNDING]) == len(kb.all_funding())
    assert len(kinds[search.STEP]) == sum(len(procedure.steps) for procedure in kb.all_procedures())
    assert len(kinds[search.CONTACT]) == len(kb.contacts())
    assert len(kinds[search.PLATFORM]) == len(kb.platforms())
    assert len(kinds[search.CPTS_EXAMPLE]) == len(kb.cpts_examples())
    assert {entry.name for entry in kinds[search.GLOSSARY]} == {entry.term for entry in kb.glossary_entries()}
    # Every non-empty cell of the two PACA tables is its own entry.
    assert {entry.item for entry in kinds[search.LEGAL_FORM]} == set(kb.legal_forms())
    assert {entry.item for entry in kinds[search.MEDICO_SOCIAL]} == set(kb.medico_social())


@pytest.mark.parametrize(
    ("question", "kind", "expected"),
    [
        ("numéro de la PTA Est Azur ?", search.PLATFORM, "PTA Est Azur"),
        ("CPTS Sud-Tarn : combien d'habitants ?", search.CPTS_EXAMPLE, "121 392"),
        ("email de l'URPS des orthophonistes de Bretagne ?", search.CONTACT, "urpsorthobret@gmail.com"),
        ("qui finance un SSIAD ?", search.MEDICO_SOCIAL, "CPAM"),
        ("combien de MSP ont signé l'ACI en Occitanie ?", search.FACT, "88 MSP"),
        ("quel soir organiser la réunion de lancement d'une CPTS ?", search.FACT, "jeudi soir"),
        ("qu'est-ce que Ma Box Instal' ?", search.FACT, "Ma Box Instal"),
        ("Be LC c'est quoi ?", search.FACT, "Be LC"),
    ],
)
def test_a_named_thing_or_a_precise_question_finds_its_row_first(
    index: SearchIndex, question: str, kind: str, expected: str
) -> None:
    entry = best(index, question)
    assert entry.kind == kind
    assert expected in entry.text


def test_an_acronym_and_its_name_find_the_same_rows(index: SearchIndex) -> None:
    by_acronym = [hit.entry.key for hit in index.search("financement FIR d'une MSP", limit=3)]
    by_name = [
        hit.entry.key
        for hit in index.search(
            "financement fonds d'intervention régional maison de santé pluriprofessionnelle", limit=3
        )
    ]
    assert by_acronym[0] == by_name[0]


def test_sms_spelling_missing_accents_and_typos_are_understood(index: SearchIndex) -> None:
    formal = best(index, "Quel est le crédit d'amorçage d'une équipe de soins spécialisés ?")
    assert "80 000" in formal.text
    assert best(index, "cb le credit d'amorcage pr une ess").key == formal.key
    assert best(index, "credit d'amorcage d'une equipe de soin specialisee").key == formal.key
    assert best(index, "crédit d'amorçge d'une équipe de soins spécialsés").key == formal.key


def test_a_region_name_is_one_word_and_boosts_its_documents(index: SearchIndex) -> None:
    # "Centre" of Centre-Val de Loire is not the "centre" of "centre de santé".
    query = index.analyzer.query("les ESP en Centre-Val de Loire")
    assert "@centre-val-de-loire" in query.tokens
    assert "centr" not in query.tokens
    paca = best(index, "combien d'habitants pour une CPTS", structures=["cpts"], region="paca")
    assert paca.source.region == "paca"
    assert "40 000" in paca.text


def test_gibberish_finds_nothing_and_knows_no_word(index: SearchIndex) -> None:
    assert index.search("zzkq vbrlw ptx") == []
    assert index.query_coverage("zzkq vbrlw ptx") == 0
    assert index.query_coverage("zzkq financement") == 0.5


def test_the_same_line_is_returned_once(index: SearchIndex) -> None:
    # The SISA glossary entry is cited by three documents: one line in the results.
    texts = [hit.entry.text for hit in index.search("SISA", limit=5)]
    assert len(texts) == len(set(texts))


def test_rank_puts_the_row_that_answers_first_and_keeps_order_otherwise(
    index: SearchIndex, kb: KnowledgeBase
) -> None:
    rows = kb.facts("cpts", topics.CREATION)
    ranked = index.rank("quel soir organiser la réunion de lancement ?", rows)
    assert "jeudi soir" in ranked[0].text
    assert sorted(map(repr, ranked)) == sorted(map(repr, rows))
    # A question that only names the topic tells no row apart: the knowledge base's order holds.
    funding = kb.funding("msp", "bretagne")
    assert index.rank("et comment elle est financée ?", funding) == funding


def test_relevant_keeps_only_the_named_items_of_a_list(index: SearchIndex, kb: KnowledgeBase) -> None:
    platforms = kb.platforms()
    named = index.relevant("numéro de la PTA Est Azur ?", platforms)
    assert named[0].name == "PTA Est Azur"
    assert len(named) < len(platforms)
    assert index.relevant("la liste des PTA", platforms) == platforms
