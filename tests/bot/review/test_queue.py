"""Misunderstood queue: grouping, labelling, and an NLU export that Rasa's own reader loads."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.loading import load_data

from bot.review import queue
from bot.review.cli import main
from bot.review.nlu_export import annotate, existing_examples, render
from bot.review.queue import Example
from tests.bot.review.conftest import signed_in


def examples_by_intent(yaml_text: str) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    data = RasaYAMLReader().reads(yaml_text)
    found: dict[str, list] = {}
    for message in data.intent_examples:
        entities = [(e["entity"], str(e["value"])) for e in message.get("entities") or []]
        found.setdefault(message.get("intent"), []).append((message.get("text"), entities))
    return found


async def test_queue_groups_similar_messages(engine, seeded: float) -> None:
    with engine.connect() as connection:
        groups, total = queue.groups(connection)
    by_key = {group.key: group for group in groups}
    assert total == len(groups) == 3
    blabla = by_key["blablabla xyz"]
    assert blabla.count == 2
    assert {sample.sender_id for sample in blabla.samples} == {"conv-fallback", "conv-fallback-2"}
    assert blabla.predicted == ["nlu_fallback"]
    assert blabla.example == "Blablabla, XYZ !"
    assert by_key["c koi une cpts"].count == 1
    assert "script alert 1 script img src x onerror alert 2" in by_key
    # Button payloads and confident messages are not in the queue.
    assert not any(key.startswith("deny") for key in by_key)
    assert "combien de financement pour une msp" not in by_key


async def test_labelling_moves_a_group_and_feeds_the_export(client: TestClient, nlu_dir: Path) -> None:
    token = await signed_in(client)
    for key, intent in [("c koi une cpts", "ask_definition"), ("blablabla xyz", "out_of_scope")]:
        response = await client.post(
            "/review/queue/label",
            data={"csrf_token": token, "group_key": key, "intent": intent, "state": "pending", "page": "1"},
            allow_redirects=False,
        )
        assert response.status == 303
        assert response.headers["Location"] == "/review/queue?state=pending&page=1"
    pending = html.unescape(await (await client.get("/review/queue")).text())
    assert "c koi une cpts" not in pending and "1 groupe." in pending
    labelled = html.unescape(await (await client.get("/review/queue", params={"state": "labelled"})).text())
    assert "Intention attribuée : <strong>ask_definition</strong>" in labelled

    token = await signed_in(client, "admin")
    export = await client.get("/review/queue/nlu.yml")
    assert export.status == 200
    assert "attachment" in export.headers["Content-Disposition"]
    text = await export.text()
    found = examples_by_intent(text)
    assert found["ask_definition"] == [("c koi une cpts", [("structure", "cpts")])]
    assert [example for example, _ in found["out_of_scope"]] == ["blablabla xyz"]


async def test_ignored_groups_are_not_exported(client: TestClient) -> None:
    token = await signed_in(client, "admin")
    await client.post(
        "/review/queue/label",
        data={"csrf_token": token, "group_key": "blablabla xyz", "intent": queue.IGNORE},
    )
    text = await (await client.get("/review/queue/nlu.yml")).text()
    assert "blablabla" not in text.lower()
    assert RasaYAMLReader().reads(text).intent_examples == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"group_key": "blablabla xyz", "intent": "intention_inventee"}, "Intention inconnue"),
        ({"group_key": "groupe disparu", "intent": "greet"}, "n'existe plus"),
        ({"group_key": "blablabla xyz", "intent": ""}, "Choisissez une intention"),
    ],
)
async def test_bad_labels_are_explained(client: TestClient, fields: dict, message: str) -> None:
    token = await signed_in(client)
    response = await client.post(
        "/review/queue/label", data={"csrf_token": token, **fields}, allow_redirects=False
    )
    assert response.status == 400
    assert message in html.unescape(await response.text())


async def test_unlabel_puts_the_group_back(client: TestClient, engine) -> None:
    token = await signed_in(client)
    await client.post(
        "/review/queue/label", data={"csrf_token": token, "group_key": "c koi une cpts", "intent": "greet"}
    )
    await client.post("/review/queue/unlabel", data={"csrf_token": token, "group_key": "c koi une cpts"})
    with engine.connect() as connection:
        groups, _ = queue.groups(connection)
    assert "c koi une cpts" in {group.key for group in groups}


async def test_export_command_writes_a_file_rasa_loads(
    engine, seeded: float, settings, nlu_dir: Path, tmp_path: Path
) -> None:
    with engine.begin() as connection:
        queue.assign(connection, "c koi une cpts", "ask_definition", "relectrice", ["ask_definition"])
    out = tmp_path / "data" / "nlu" / "review.yml"
    code = main(
        ["export-nlu", "--out", str(out), "--nlu-dir", str(nlu_dir)], settings=settings, stdout=io.StringIO()
    )
    assert code == 0
    training = load_data(str(out), language="fr")
    assert [(m.get("intent"), m.get("text")) for m in training.intent_examples] == [
        ("ask_definition", "c koi une cpts")
    ]
    assert training.entity_examples[0].get("entities")[0]["value"] == "cpts"


def test_render_skips_personal_data_and_known_examples(nlu_dir: Path) -> None:
    existing = existing_examples(nlu_dir)
    assert {"bonjour", "msp bonjour"} <= existing
    examples = {
        "greet": [Example("Bonjour", []), Example("MSP bonjour !", [])],
        "human_handoff": [Example("mon mail est [e-mail]", []), Example("rappelez-moi vite", [])],
    }
    text, stats = render(examples, existing)
    assert examples_by_intent(text) == {"human_handoff": [("rappelez-moi vite", [])]}
    assert (stats.intents, stats.examples, stats.already_in_data, stats.with_personal_data) == (1, 1, 2, 1)


@pytest.mark.parametrize(
    ("example", "expected_text", "expected_entities"),
    [
        (Example("aide [urgent](vite) svp", []), "aide (urgent)(vite) svp", []),
        (Example("ligne1\nligne2\tfin", []), "ligne1 ligne2 fin", []),
        (
            Example(
                "c quoi une maison de santé",
                [{"entity": "structure", "value": "msp", "start": 11, "end": 26}],
            ),
            "c quoi une maison de santé",
            [("structure", "msp")],
        ),
        (
            Example("la CPTS", [{"entity": "structure", "value": "CPTS", "start": 3, "end": 7}]),
            "la CPTS",
            [("structure", "CPTS")],
        ),
        (Example("décalé", [{"entity": "structure", "value": "msp", "start": 3, "end": 40}]), "décalé", []),
        (
            Example('guillemets "doubles" et # dièse: deux-points', []),
            'guillemets "doubles" et # dièse: deux-points',
            [],
        ),
    ],
)
def test_annotations_survive_rasa_reader(
    example: Example, expected_text: str, expected_entities: list
) -> None:
    text, _ = render({"ask_definition": [example]})
    assert examples_by_intent(text) == {"ask_definition": [(expected_text, expected_entities)]}
    assert "\n" not in annotate(example)
