"""Inbox: newest first, every filter, keyset pagination, refusal of bad filter values."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from aiohttp.test_utils import TestClient

from bot.review import conversation, inbox
from bot.review.facts import day_of
from bot.review.filters import Cursor, FilterError, InboxFilters
from tests.bot.review.conftest import signed_in
from tests.bot.review.scenarios import SCENARIOS, SENDERS, Scenario, Turn, save

LINK = re.compile(r'href="/review/conversation\?id=([^"]+)"')


async def listed(client: TestClient, query: dict[str, str]) -> list[str]:
    response = await client.get("/review/", params=query)
    assert response.status == 200, await response.text()
    return LINK.findall(await response.text())


async def test_inbox_lists_every_conversation_newest_first(client: TestClient, seeded: float) -> None:
    await signed_in(client)
    expected = [s.sender_id for s in sorted(SCENARIOS, key=lambda s: s.days_ago)]
    assert await listed(client, {}) == expected


async def test_inbox_shows_the_facts_of_each_conversation(client: TestClient) -> None:
    await signed_in(client)
    page = await (await client.get("/review/", params={"q": "financement"})).text()
    row = page[page.index("conv-funding") - 400 :]
    assert ">rest<" in row
    assert "0,93" in row
    assert "1 conversation correspondant aux filtres" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"channel": "socketio"}, {"conv-fallback", "conv-eligibility", "conv-fallback-2"}),
        ({"channel": "rest"}, {"conv-funding", "conv-handoff", "conv-pii", "conv-xss", "conv-old"}),
        ({"fallback": "yes"}, {"conv-fallback", "conv-xss", "conv-fallback-2"}),
        ({"fallback": "no"}, {"conv-funding", "conv-handoff", "conv-eligibility", "conv-pii", "conv-old"}),
        ({"max_confidence": "0.4"}, {"conv-fallback", "conv-fallback-2", "conv-xss"}),
        ({"max_confidence": "0,33"}, {"conv-fallback", "conv-xss"}),
        (
            {"max_confidence": "0.85"},
            {"conv-fallback", "conv-fallback-2", "conv-xss", "conv-eligibility", "conv-pii"},
        ),
        ({"handoff": "yes"}, {"conv-handoff", "conv-pii"}),
        ({"handoff": "no"}, SENDERS - {"conv-handoff", "conv-pii"}),
        ({"eligibility": "yes"}, {"conv-eligibility"}),
        ({"eligibility": "no"}, SENDERS - {"conv-eligibility"}),
        ({"intent": "ask_definition"}, {"conv-fallback"}),
        ({"intent": "human_handoff"}, {"conv-handoff", "conv-pii"}),
        ({"intent": "nlu_fallback"}, {"conv-fallback", "conv-xss", "conv-fallback-2"}),
        ({"structure": "msp"}, {"conv-funding", "conv-eligibility"}),
        ({"structure": "cpts"}, {"conv-fallback"}),
        ({"q": "financement"}, {"conv-funding"}),
        ({"q": "EQUIPE"}, {"conv-eligibility"}),
        ({"q": "parler à un"}, {"conv-handoff"}),
        ({"q": "jean.dupont"}, set()),
        ({"q": "e-mail"}, {"conv-pii"}),
        ({"q": "100%_"}, set()),
        ({"channel": "socketio", "fallback": "yes", "intent": "ask_definition"}, {"conv-fallback"}),
        ({"status": "new"}, SENDERS),
        ({"status": "reviewed"}, set()),
    ],
)
async def test_each_filter(client: TestClient, query: dict[str, str], expected: set[str]) -> None:
    await signed_in(client)
    assert set(await listed(client, query)) == expected


async def test_date_range_filter(client: TestClient, seeded: float) -> None:
    await signed_in(client)
    starts = {s.sender_id: day_of(s.start(seeded)) for s in SCENARIOS}
    first, last = day_of(seeded - 3.5 * 86400), day_of(seeded - 1.5 * 86400)
    expected = {sender for sender, day in starts.items() if first <= day <= last}
    assert "conv-funding" in expected and "conv-old" not in expected
    assert set(await listed(client, {"from": first, "to": last})) == expected
    assert set(await listed(client, {"to": day_of(seeded - 300 * 86400)})) == {"conv-old"}
    assert "conv-old" not in await listed(client, {"from": first})


async def test_tag_and_status_filters_follow_the_reviewers_work(client: TestClient, engine) -> None:
    with engine.begin() as connection:
        conversation.add_tag(connection, "conv-handoff", "Formation", "relectrice")
        conversation.add_tag(connection, "conv-pii", "formation", "relectrice")
        conversation.set_status(connection, "conv-funding", "reviewed")
        conversation.set_status(connection, "conv-xss", "later")
    await signed_in(client)
    assert set(await listed(client, {"tag": "formation"})) == {"conv-handoff", "conv-pii"}
    assert await listed(client, {"status": "reviewed"}) == ["conv-funding"]
    assert await listed(client, {"status": "later"}) == ["conv-xss"]
    assert "conv-funding" not in await listed(client, {"status": "new"})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fallback": "peut-être"}, "Filtre « repli »"),
        ({"from": "22/11/2024"}, "date '22/11/2024' invalide"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "postérieure"),
        ({"max_confidence": "2"}, "entre 0 et 1"),
        ({"status": "archivée"}, "statut"),
        ({"q": "x" * 201}, "200 caractères"),
        ({"after": "pas-une-position"}, "Position de page invalide"),
    ],
)
async def test_bad_filter_values_are_explained(
    client: TestClient, query: dict[str, str], message: str
) -> None:
    await signed_in(client)
    response = await client.get("/review/", params=query)
    assert response.status == 400
    assert message in html.unescape(await response.text())


async def test_pagination_walks_forward_and_back(engine, seeded: float) -> None:
    filters = InboxFilters()
    with engine.connect() as connection:
        first = inbox.page(connection, filters, limit=3)
        second = inbox.page(connection, filters, after=first.older, limit=3)
        third = inbox.page(connection, filters, after=second.older, limit=3)
        back = inbox.page(connection, filters, before=second.newer, limit=3)
    ordered = [s.sender_id for s in sorted(SCENARIOS, key=lambda s: s.days_ago)]
    assert [row.sender_id for row in first.rows] == ordered[:3]
    assert [row.sender_id for row in second.rows] == ordered[3:6]
    assert [row.sender_id for row in third.rows] == ordered[6:]
    assert third.older is None and first.newer is None
    assert [row.sender_id for row in back.rows] == ordered[:3]
    assert first.total == len(SCENARIOS) and not first.total_capped


async def test_count_is_capped(engine, seeded: float) -> None:
    with engine.connect() as connection:
        assert inbox.count(connection, InboxFilters(), cap=3) == (3, True)
        assert inbox.count(connection, InboxFilters(handoff=True), cap=3) == (2, False)


async def test_page_links_keep_the_filters(client: TestClient, store, domain, seeded: float) -> None:
    for index in range(inbox.PAGE_SIZE + 2):
        await save(
            store,
            domain,
            Scenario(f"extra-{index:03d}", "rest", 0.01, [Turn("bonjour", "greet", 0.99)]),
            seeded - index,
        )
    await signed_in(client)
    first = await (await client.get("/review/", params={"channel": "rest"})).text()
    assert len(LINK.findall(first)) == inbox.PAGE_SIZE
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = await (await client.get(html.unescape(next_link))).text()
    rest = {s.sender_id for s in SCENARIOS if s.channel == "rest"}
    shown = set(LINK.findall(first)) | set(LINK.findall(second))
    assert len(shown) == inbox.PAGE_SIZE + 2 + len(rest)
    assert rest <= shown
    assert 'rel="prev"' in second


def test_cursor_round_trip_and_refusal() -> None:
    cursor = Cursor(1700000000.123456, "id:avec|séparateurs")
    assert Cursor.decode(cursor.encode()) == cursor
    with pytest.raises(FilterError):
        Cursor.decode("@@@")


def test_filters_round_trip_through_the_query_string() -> None:
    filters = InboxFilters(
        channel="rest", date_from=date(2025, 1, 1), fallback=False, max_confidence=0.5, q="msp"
    )
    assert InboxFilters.parse(filters.as_query()) == filters
