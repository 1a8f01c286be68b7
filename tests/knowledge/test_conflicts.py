"""Disagreements between documents: found on the real knowledge base, listed in
docs/knowledge-conflicts.md, and shown side by side by the answers and the comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.compare import answer_comparison
from actions.formatting import render_sourced
from actions.texts import response_text
from bot.settings import ROOT
from knowledge import topics
from knowledge.__main__ import main
from knowledge.conflicts import Conflict, disagreements, find_conflicts, render_markdown, row_values
from knowledge.query import KnowledgeBase
from tests.actions.conftest import flat

DOC = ROOT / "docs" / "knowledge-conflicts.md"
# The ids the committed document lists; test_document_is_up_to_date ties them to the command.
LISTED = re.findall(r"^## `([^`]+)`$", DOC.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.fixture(scope="module")
def conflicts(kb: KnowledgeBase) -> dict[str, Conflict]:
    return {conflict.id: conflict for conflict in find_conflicts(kb)}


def topic_rows(kb: KnowledgeBase, conflict: Conflict, region: str | None = None) -> list:
    """The rows an answer about the conflict's topics would rank."""
    return [row for topic in conflict.topics for row in kb.facts(conflict.structure, topic, region)]


def ranked_first(rows: list, first: object) -> list:
    """The rows as a ranker that found `first` most relevant would pass them."""
    assert first in rows
    return [first, *(row for row in rows if row != first)]


def value_groups(conflict: Conflict) -> dict[frozenset[str], list]:
    """Versions grouped by the values they state: each group is one differing value."""
    groups: dict[frozenset[str], list] = {}
    for version in conflict.versions:
        groups.setdefault(frozenset(version.values), []).append(version)
    return groups


# ---------------------------------------------------------------------- the list


def test_document_is_up_to_date(kb: KnowledgeBase) -> None:
    expected = render_markdown(find_conflicts(kb)) + "\n"
    assert DOC.read_text(encoding="utf-8") == expected, "python -m knowledge conflicts --write " + str(DOC)
    assert main(["conflicts", "--check", str(DOC)]) == 0


def test_command_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "conflicts.md"
    assert main(["conflicts", "--check", str(target)]) == 1
    assert main(["conflicts", "--write", str(target)]) == 0
    assert main(["conflicts", "--check", str(target)]) == 0
    capsys.readouterr()
    assert main(["conflicts"]) == 0
    assert capsys.readouterr().out == target.read_text(encoding="utf-8")


def test_the_documented_disagreements_are_found(conflicts: dict[str, Conflict]) -> None:
    """The two the issue names, read in the documents: CPTS population and the ESS."""
    population = conflicts["cpts/approach+territory/population"]
    values = {version.source.file[:3]: version.values for version in population.versions}
    assert values == {"001": ("20\u202f000 habitants",), "002": ("40\u202f000 à 175\u202f000 habitants",)}
    # PACA files its figure under two topics, Doctolib under one: the same point all the same.
    assert [len(version.rows) for version in population.versions] == [2, 1]
    assert {version.values for version in conflicts["ess/approach/approach"].versions} == {
        ("patientèle",),
        ("population",),
    }
    doctors = {version.source.date: version.values for version in conflicts["ess/members/doctors"].versions}
    assert doctors == {"2023-05": ("1 médecin(s)",), "2025": ("10 médecin(s)",)}
    aci = {version.source.region: version.values for version in conflicts["msp/funding/aci"].versions}
    assert aci == {"centre-val-de-loire": ("80\u202f000 €",), "occitanie": ("65\u202f000 €",)}


@pytest.mark.parametrize(
    "agreeing",
    [
        "esp/members/doctors",  # "un médecin généraliste", "1 médecin" everywhere
        "esp/members/professionals",  # "1 médecin et 1 professionnel de santé" is no total of 1
        "msp/members/doctors",  # two doctors in every document
        "msp/status/status",
        "cds/status/status",
        "cpts/approach/approach",  # "entre 40 000 et 175 000 habitants" reads as population
        "cpts/funding/aci",  # one amount only (Doctolib); the PACA start-up aids are other aids
        "msp/funding/fir",
    ],
)
def test_agreements_are_not_listed(conflicts: dict[str, Conflict], agreeing: str) -> None:
    assert agreeing not in conflicts


def test_every_version_comes_from_its_own_document(conflicts: dict[str, Conflict]) -> None:
    assert len(conflicts) == len(LISTED) >= 9
    for conflict in conflicts.values():
        files = [version.source.file for version in conflict.versions]
        assert len(files) == len(set(files)) >= 2
        assert len(value_groups(conflict)) >= 2
        for version in conflict.versions:
            for row in version.rows:
                assert set(row_values(row)[conflict.dimension]) <= set(version.values)


def test_a_document_restating_a_value_is_no_disagreement(kb: KnowledgeBase) -> None:
    """PACA gives the CPTS population twice (approach and territory): it agrees with itself."""
    rows = kb.facts("cpts", topics.APPROACH) + kb.facts("cpts", topics.TERRITORY)
    assert disagreements([row for row in rows if row.source.region == "paca"]) == []


def test_population_disagrees_across_topics(kb: KnowledgeBase, domain_dict: dict) -> None:
    """A ranked search may pass PACA's "approach" row with Doctolib's "territory" one."""
    paca = next(row for row in kb.facts("cpts", topics.APPROACH) if "habitants" in row.text)
    doctolib = next(row for row in kb.facts("cpts", topics.TERRITORY) if "20 000" in flat(row.text))
    text = flat(render_sourced(domain_dict, [paca, doctolib], region="paca").text)
    assert text.startswith(flat(response_text(domain_dict, "utter_documents_differ")))
    assert text.index("175 000 habitants") < text.index("20 000 habitants")


# ---------------------------------------------------------------------- answers


@pytest.mark.parametrize("conflict_id", LISTED)
def test_answer_shows_every_side(
    kb: KnowledgeBase, domain_dict: dict, conflicts: dict[str, Conflict], conflict_id: str
) -> None:
    """Whichever side the ranker puts first, the answer shows each differing value with its
    documents and says they differ."""
    conflict = conflicts[conflict_id]
    rows = topic_rows(kb, conflict)
    differ = response_text(domain_dict, "utter_documents_differ")
    for version in conflict.versions:
        rendered = render_sourced(domain_dict, ranked_first(rows, version.rows[0]))
        text = flat(rendered.text)
        assert text.startswith(flat(differ)), text
        for group in value_groups(conflict).values():
            assert any(flat(row.text) in text for side in group for row in side.rows), (group, text)
        for side in conflict.versions:
            assert side.source.reference in text
        for row in rows:
            assert text.count(flat(row.text)) <= 1


@pytest.mark.parametrize("conflict_id", LISTED)
def test_region_first_then_most_recent(
    kb: KnowledgeBase, domain_dict: dict, conflicts: dict[str, Conflict], conflict_id: str
) -> None:
    conflict = conflicts[conflict_id]
    for version in conflict.versions:
        region = version.source.region
        rows = topic_rows(kb, conflict, region)
        text = render_sourced(domain_dict, rows, region=region).text
        block = text[text.index(response_text(domain_dict, "utter_documents_differ")) :]
        first_citation = block.index(version.source.reference)
        assert all(
            first_citation <= block.index(other.source.reference)
            for other in conflict.versions
            if other.source.region != region
        ), block
    rows = topic_rows(kb, conflict)
    block = render_sourced(domain_dict, rows).text
    newest = max(conflict.versions, key=lambda version: version.source.date)
    assert all(
        block.index(newest.source.reference) <= block.index(other.source.reference)
        for other in conflict.versions
    ), block


def test_full_answer_shows_every_row_of_every_side(
    kb: KnowledgeBase, domain_dict: dict, conflicts: dict[str, Conflict]
) -> None:
    conflict = conflicts["esp/legal_form/legal_form"]
    rows = topic_rows(kb, conflict)
    rendered = render_sourced(domain_dict, rows, max_groups=None, max_items=None)
    assert not rendered.truncated
    for row in rows:
        assert flat(rendered.text).count(flat(row.text)) == 1


def test_funding_rows_disagree_like_their_facts(kb: KnowledgeBase, domain_dict: dict) -> None:
    """The answer about funding passes `Funding` rows: the ESP FIR disagreement shows too."""
    rows = kb.funding("esp", "national")
    text = render_sourced(domain_dict, rows, region="national").text
    assert text.startswith(response_text(domain_dict, "utter_documents_differ"))
    assert text.index("Pas de financement spécifique") < text.index("7 500 €")


def test_a_short_answer_without_disagreement_is_unchanged(kb: KnowledgeBase, domain_dict: dict) -> None:
    rows = kb.facts("msp", topics.DEFINITION)
    assert not disagreements(rows)
    rendered = render_sourced(domain_dict, rows)
    assert response_text(domain_dict, "utter_documents_differ") not in rendered.text
    assert rendered.text.count("• ") == 4 and rendered.truncated


def test_ranked_order_is_kept_around_a_disagreement(kb: KnowledgeBase, domain_dict: dict) -> None:
    """A row without disagreement ranked first stays first; the disagreement follows it."""
    rows = kb.facts("cpts", topics.TERRITORY)
    first = next(row for row in rows if "infra-départemental" in row.text)
    text = render_sourced(domain_dict, ranked_first(rows, first)).text
    differ = response_text(domain_dict, "utter_documents_differ")
    assert text.index(first.text) < text.index(differ)
    assert "20 000 habitants" in flat(text) and "175 000 habitants" in flat(text)


# ---------------------------------------------------------------------- comparison


def _cell(text: str, label: str, acronym: str) -> str:
    section = text.split(f"**{label}**", 1)[1].split("\n\n", 1)[0]
    return next(line for line in section.splitlines() if line.startswith(f"• {acronym} "))


def in_topic(conflict: Conflict, topic: str) -> list:
    """The conflict's versions restricted to one topic (one comparison cell)."""
    versions = []
    for version in conflict.versions:
        rows = [row for row in version.rows if row.topic == topic]
        if rows:
            versions.append((version.source, version.values, rows))
    return versions


@pytest.mark.parametrize(
    ("conflict_id", "topic"),
    [
        (item, topic)
        for item in LISTED
        for topic in item.split("/")[1].split("+")
        if topic in topics.COMPARISON_TOPICS
    ],
)
def test_comparison_shows_every_differing_value(
    kb: KnowledgeBase, domain_dict: dict, conflicts: dict[str, Conflict], conflict_id: str, topic: str
) -> None:
    conflict = conflicts[conflict_id]
    versions = in_topic(conflict, topic)
    if len({values for _, values, _ in versions}) < 2:
        # CPTS population under "approach": PACA alone, the disagreement is in the territory cell.
        assert len(conflict.topics) > 1
        return
    other = "msp" if conflict.structure != "msp" else "esp"
    acronym = kb.structure(conflict.structure).acronym
    label = response_text(domain_dict, f"utter_topic_label_{topic}")
    for full in (False, True):
        text, _, _ = answer_comparison(kb, domain_dict, [conflict.structure, other], None, full=full)
        cell = _cell(text, label, acronym)
        assert response_text(domain_dict, "utter_compare_values_differ") in cell
        for values in {values for _, values, _ in versions}:
            stating = [row for _, stated, rows in versions if stated == values for row in rows]
            assert any(row.text in cell for row in stating), (values, cell)
        for source, _, _ in versions:
            assert source.reference in text


def test_comparison_describes_the_ess_by_both_documents(kb: KnowledgeBase, domain_dict: dict) -> None:
    """The issue's example: the 2023 national article and the 2024 cahier des charges."""
    text, _, _ = answer_comparison(kb, domain_dict, ["ess", "cpts"], None)
    members = _cell(text, response_text(domain_dict, "utter_topic_label_members"), "ESS")
    assert "au moins deux professionnels" in members and "au moins 10 médecins" in members
    approach = _cell(text, response_text(domain_dict, "utter_topic_label_approach"), "ESS")
    assert "populationnelle" in approach and "patientèle" in approach
    untouched = _cell(text, response_text(domain_dict, "utter_topic_label_status"), "ESS")
    assert response_text(domain_dict, "utter_compare_values_differ") not in untouched


def test_a_row_given_twice_is_shown_once(kb: KnowledgeBase, domain_dict: dict) -> None:
    """A ranker may pass a funding row and the same row read as a fact."""
    rows = [*kb.funding("esp"), *kb.facts("esp", topics.FUNDING)]
    text = flat(render_sourced(domain_dict, rows, max_groups=None, max_items=None).text)
    for row in rows:
        assert text.count(flat(row.text)) == 1, row.text


def test_region_may_be_a_place_name(kb: KnowledgeBase, domain_dict: dict) -> None:
    rows = kb.facts("cpts", topics.TERRITORY)
    text = flat(render_sourced(domain_dict, rows, region="Var").text)
    assert text.index("175 000 habitants") < text.index("20 000 habitants")


def test_a_repeated_row_keeps_its_first_rank(kb: KnowledgeBase, domain_dict: dict) -> None:
    first, second = kb.facts("msp", topics.DEFINITION)[:2]
    text = render_sourced(domain_dict, [first, second, first]).text
    assert text.index(first.text) < text.index(second.text)
