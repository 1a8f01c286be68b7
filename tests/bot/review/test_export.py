"""CSV and JSON exports of a filtered set, with audit entries and spreadsheet-safe cells."""

from __future__ import annotations

import csv
import io
import json

from aiohttp.test_utils import TestClient

from bot.review import audit
from bot.review.export import safe_cell
from tests.bot.review.conftest import signed_in


async def test_csv_export_of_the_fallback_conversations(client: TestClient, engine) -> None:
    await signed_in(client, "admin")
    response = await client.get("/review/export.csv", params={"fallback": "yes"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = (await response.read()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["conversation"] for row in rows} == {"conv-fallback", "conv-xss", "conv-fallback-2"}
    fallback = [row for row in rows if row["conversation"] == "conv-fallback"]
    assert [row["message"] for row in fallback] == ["blablabla xyz", "/deny", "c koi une cpts"]
    assert fallback[0]["intention"] == "nlu_fallback" and fallback[0]["confiance"] == "0.310"
    assert fallback[0]["repli"] == "oui" and fallback[0]["canal"] == "socketio"
    with engine.connect() as connection:
        entry = audit.entries(connection, limit=1)[0]
    assert (entry.actor, entry.action, entry.target) == ("admin", audit.EXPORT, "csv")
    assert json.loads(entry.detail) == {"conversations": 3, "fallback": "yes"}


async def test_json_export_carries_the_turns(client: TestClient) -> None:
    await signed_in(client, "admin")
    response = await client.get("/review/export.json", params={"handoff": "yes"})
    assert response.status == 200
    data = json.loads(await response.text())
    assert [item["conversation"] for item in data] == ["conv-handoff", "conv-pii"]
    pii = data[1]
    assert pii["handoff"] is True and pii["channel"] == "rest"
    assert pii["messages"][0]["text"] == "mon mail est [e-mail] et mon tel [téléphone], rappelez-moi"
    assert pii["messages"][0]["actions"] == ["action_human_handoff"]
    assert "jean.dupont" not in json.dumps(data)


async def test_empty_export_is_valid(client: TestClient) -> None:
    await signed_in(client, "admin")
    assert (
        json.loads(await (await client.get("/review/export.json", params={"q": "introuvable"})).text()) == []
    )
    text = (await (await client.get("/review/export.csv", params={"q": "introuvable"})).read()).decode(
        "utf-8-sig"
    )
    assert text.splitlines() == [text.splitlines()[0]] and text.startswith("conversation,")


async def test_export_refuses_bad_filters(client: TestClient) -> None:
    await signed_in(client, "admin")
    response = await client.get("/review/export.csv", params={"handoff": "parfois"})
    assert response.status == 400


def test_cells_cannot_become_formulas() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+33 6") == "'+33 6"
    assert safe_cell("bonjour") == "bonjour"
    assert safe_cell(None) == ""
