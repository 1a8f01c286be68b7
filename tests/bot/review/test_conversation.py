"""Conversation view, the reviewer's work on it, and HTML escaping of everything users typed."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient

from bot.review import audit, schema
from bot.review.conversation import build_turns
from tests.bot.review.conftest import signed_in
from tests.bot.review.scenarios import XSS_TEXT


def turns_of(page: str) -> list[str]:
    return re.findall(r'<li class="turn[^"]*">.*?</li>', page, flags=re.S)


async def test_view_shows_every_part_of_a_turn(client: TestClient) -> None:
    await signed_in(client)
    response = await client.get("/review/conversation", params={"id": "conv-eligibility"})
    assert response.status == 200
    page = html.unescape(await response.text())
    assert "est-ce que mon équipe peut créer une MSP ?" in page
    assert "Intention : <strong>check_eligibility</strong>" in page
    assert "confiance <strong>0,90</strong>" in page
    assert "structure = msp" in page
    assert "Actions : action_eligibility_verdict" in page
    assert "eligibility_result = " in page
    assert "Voici les structures accessibles à votre équipe." in page
    assert "MSP : à vérifier" in page and "CPTS : non accessible" in page
    assert "Structures citées</dt><dd>msp" in page


async def test_low_confidence_and_fallback_turns_are_highlighted(client: TestClient) -> None:
    await signed_in(client)
    page = await (await client.get("/review/conversation", params={"id": "conv-fallback"})).text()
    turns = turns_of(page)
    first = next(turn for turn in turns if "blablabla xyz" in turn)
    second = next(turn for turn in turns if "c koi une cpts" in turn)
    assert 'class="turn low fallback"' in first
    assert "faible confiance" in first and "nlu_fallback" in first and "ask_fees (0,31)" in first
    assert 'class="turn low"' in second
    confident = await (await client.get("/review/conversation", params={"id": "conv-funding"})).text()
    assert all('class="turn"' in turn for turn in turns_of(confident))


async def test_personal_data_never_reaches_the_page(client: TestClient) -> None:
    await signed_in(client)
    page = html.unescape(await (await client.get("/review/conversation", params={"id": "conv-pii"})).text())
    assert "mon mail est [e-mail] et mon tel [téléphone], rappelez-moi" in page
    assert "jean.dupont" not in page and "06 12 34 56 78" not in page


async def test_viewing_is_recorded_in_the_audit_log(client: TestClient, engine) -> None:
    await signed_in(client)
    await client.get("/review/conversation", params={"id": "conv-handoff"})
    with engine.connect() as connection:
        entries = audit.entries(connection, limit=10)
    assert any(
        e.actor == "relectrice" and e.action == audit.VIEW and e.target == "conv-handoff" for e in entries
    )


async def test_unknown_or_missing_conversation(client: TestClient) -> None:
    await signed_in(client)
    missing = await client.get("/review/conversation", params={"id": "personne"})
    assert missing.status == 404
    assert "Conversation introuvable" in await missing.text()
    assert (await client.get("/review/conversation")).status == 400


async def test_tag_note_and_status(client: TestClient, engine) -> None:
    token = await signed_in(client)
    base = {"csrf_token": token, "sender_id": "conv-handoff"}
    for path, fields in [
        ("tag", {"tag": "  Mise en relation  "}),
        ("tag", {"tag": "urgent"}),
        ("note", {"text": "Penser à vérifier le délai de rappel."}),
        ("status", {"status": "later"}),
        ("untag", {"tag": "urgent"}),
    ]:
        response = await client.post(
            f"/review/conversation/{path}", data={**base, **fields}, allow_redirects=False
        )
        assert response.status == 303, await response.text()
        assert response.headers["Location"] == "/review/conversation?id=conv-handoff"
    page = html.unescape(
        await (await client.get("/review/conversation", params={"id": "conv-handoff"})).text()
    )
    assert '<span class="tag">mise en relation</span>' in page
    assert '<span class="tag">urgent</span>' not in page
    assert "Penser à vérifier le délai de rappel." in page and "relectrice," in page
    assert '<option value="later" selected>' in page
    with engine.connect() as connection:
        status = connection.execute(
            sa.select(schema.conversations.c.status).where(schema.conversations.c.sender_id == "conv-handoff")
        ).scalar()
    assert status == "later"


@pytest.mark.parametrize(
    ("path", "fields", "message"),
    [
        ("tag", {"tag": "<b>"}, "Étiquette invalide"),
        ("tag", {"tag": "x" * 41}, "Étiquette invalide"),
        ("note", {"text": "   "}, "La note est vide."),
        ("note", {"text": "x" * 2001}, "dépasse 2000 caractères"),
        ("status", {"status": "archivée"}, "Statut inconnu"),
        ("tag", {"tag": "ok", "sender_id": "personne"}, "Conversation introuvable."),
        ("tag", {"tag": "ok", "sender_id": ""}, "Conversation non précisée."),
    ],
)
async def test_work_refusals_are_explained(client: TestClient, path: str, fields: dict, message: str) -> None:
    token = await signed_in(client)
    data = {"csrf_token": token, "sender_id": "conv-handoff", **fields}
    response = await client.post(f"/review/conversation/{path}", data=data, allow_redirects=False)
    assert response.status == 400
    assert message in html.unescape(await response.text())


async def test_user_text_is_escaped_everywhere(client: TestClient) -> None:
    token = await signed_in(client)
    note = "<script>alert('note')</script>"
    await client.post(
        "/review/conversation/note", data={"csrf_token": token, "sender_id": "conv-xss", "text": note}
    )
    pages = [
        await (await client.get("/review/conversation", params={"id": "conv-xss"})).text(),
        await (await client.get("/review/queue")).text(),
        await (await client.get("/review/", params={"q": "<script>alert(3)</script>"})).text(),
    ]
    for page in pages:
        assert "<script" not in page
        assert "<img src=x" not in page
    assert html.escape(XSS_TEXT, quote=False) in pages[0].replace("&#39;", "'").replace("&#34;", '"')
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert 'value="&lt;script&gt;alert(3)&lt;/script&gt;"' in pages[2]


async def test_admin_deletes_a_conversation_after_confirmation(client: TestClient, engine) -> None:
    token = await signed_in(client, "admin")
    unconfirmed = await client.post(
        "/review/conversation/delete",
        data={"csrf_token": token, "sender_id": "conv-pii"},
        allow_redirects=False,
    )
    assert unconfirmed.status == 400
    response = await client.post(
        "/review/conversation/delete",
        data={"csrf_token": token, "sender_id": "conv-pii", "confirm": "yes"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert (await client.get("/review/conversation", params={"id": "conv-pii"})).status == 404
    with engine.connect() as connection:
        for table in schema.PER_CONVERSATION:
            left = connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == "conv-pii")
            ).scalar()
            assert left == 0, table.name
        entries = audit.entries(connection, limit=20)
    assert any(e.action == audit.DELETE and e.target == "conv-pii" and e.actor == "admin" for e in entries)


def test_build_turns_groups_events_by_user_message() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "bot", "text": "Bonjour !", "data": {"buttons": [{"title": "MSP", "payload": "/x"}]}},
        {"event": "user", "text": "salut", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}},
        {"event": "action", "name": "utter_greet"},
        {"event": "bot", "text": "Bonjour, que puis-je pour vous ?"},
        {"event": "action", "name": "action_listen"},
        {"event": "session_started"},
        {
            "event": "user",
            "text": "??",
            "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.5}},
        },
        {"event": "action", "name": "action_default_fallback"},
    ]
    turns = build_turns(events)
    assert [turn.text for turn in turns] == [None, "salut", "??"]
    assert turns[0].answers == ["Bonjour !\n[boutons : MSP]"]
    assert turns[1].actions == ["utter_greet"] and not turns[1].new_session
    assert turns[2].new_session and turns[2].fallback and turns[2].low_confidence
