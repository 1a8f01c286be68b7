"""The rules return message codes; every code has its French text in eligibility/wording.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import eligibility
from eligibility.messages import Message, render, say
from eligibility.rules import assess_all
from eligibility.team import Team
from eligibility.wording import TEXTS

PACKAGE = Path(eligibility.__file__).parent
# The modules that decide and say what they decided: no French sentence may be written there.
RULE_MODULES = ("assessment.py", "primary_care.py", "territorial.py", "rules.py")
# English, for developers: assess() called with a structure id it does not know.
DEVELOPER_MESSAGES = {"unknown structure ", "; expected one of "}


def string_constants(path: Path) -> list[str]:
    """String literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def said_codes(path: Path) -> set[str]:
    """The first argument of every say("...") call with a literal code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "say"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_code_the_rules_say_has_its_text() -> None:
    said = set().union(*(said_codes(PACKAGE / name) for name in RULE_MODULES))
    assert len(said) > 50  # guards the scan
    assert said - set(TEXTS) == set()


def test_every_text_is_used_by_a_rule() -> None:
    """No dead wording: each code appears as a literal in a rule module (said, or chosen first)."""
    literals = {value for name in RULE_MODULES for value in string_constants(PACKAGE / name)}
    assert set(TEXTS) - literals == set()


@pytest.mark.parametrize("name", RULE_MODULES)
def test_the_rule_modules_write_no_sentence(name: str) -> None:
    """A literal with a space would be wording; only rules.py's developer error message has some."""
    sentences = {value for value in string_constants(PACKAGE / name) if " " in value}
    assert sentences <= DEVELOPER_MESSAGES, sentences


def test_the_wording_module_holds_only_the_texts() -> None:
    tree = ast.parse((PACKAGE / "wording.py").read_text(encoding="utf-8"))
    statements = [node for node in tree.body if not isinstance(node, (ast.Expr, ast.ImportFrom))]
    assert len(statements) == 1 and isinstance(statements[0], ast.AnnAssign)


def test_plural_texts_are_pairs_that_name_n() -> None:
    for code, text in TEXTS.items():
        if isinstance(text, tuple):
            assert len(text) == 2 and all("{n}" in form for form in text), code


def test_an_unknown_code_fails_when_said() -> None:
    with pytest.raises(KeyError):
        say("esp.no_such_code")


def test_render_fills_numbers_plurals_and_nested_messages() -> None:
    assert render(say("count.gps", n=1)) == "1 médecin généraliste"
    assert render(say("count.gps", n=20000)) == "20\u202f000 médecins généralistes"
    assert render(say("to_specify", what=say("what.gps"))) == (
        "le nombre de médecins généralistes de votre équipe (à préciser)"
    )
    assert str(say("missing.gp")) == "un médecin généraliste"


@pytest.mark.parametrize("region", [None, "paca", "bretagne", "occitanie"])
def test_every_message_of_typical_teams_renders_without_a_hole(region: str | None) -> None:
    teams = [
        Team(),
        Team(
            general_practitioners=0, paramedicals=0, other_professionals=0, specialists=0, practice="liberal"
        ),
        Team(general_practitioners=1, paramedicals=0, other_professionals=1, specialists=1, practice="mixte"),
        Team(
            general_practitioners=2,
            paramedicals=1,
            specialists=3,
            practice="salarie",
            has_manager=True,
            territory_is_department_or_more=True,
            specialty_doctors_on_territory=40,
            liberal_specialty_doctors_on_territory=30,
            territory_population=12_000,
        ),
    ]
    for team in teams:
        for result in assess_all(team, region):
            for message in (*result.reasons, *result.missing, *result.notes):
                assert isinstance(message, Message)
                text = render(message)
                assert text and "{" not in text and "}" not in text, (message.code, text)
