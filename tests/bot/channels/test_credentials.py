"""The credentials.yml blocks documented in docs/channels.md, loaded the way ``rasa run``
loads them (module path, ``${VAR}`` placeholders substituted by Rasa)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.messenger import DEFAULT_GRAPH_API_URL, MessengerInput
from bot.channels.teams import TeamsInput

BLOCKS = """
bot.channels.messenger.MessengerInput:
  verify_token: ${MESSENGER_VERIFY_TOKEN}
  app_secret: ${MESSENGER_APP_SECRET}
  page_access_token: ${MESSENGER_PAGE_ACCESS_TOKEN}

bot.channels.teams.TeamsInput:
  app_id: ${TEAMS_APP_ID}
  app_password: ${TEAMS_APP_PASSWORD}
  tenant_id: ${TEAMS_TENANT_ID}
"""


def test_rasa_builds_both_channels_from_the_documented_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "MESSENGER_VERIFY_TOKEN": "verify-me",
        "MESSENGER_APP_SECRET": "app-secret",
        "MESSENGER_PAGE_ACCESS_TOKEN": "page-token",
        "TEAMS_APP_ID": "3f0e5b7c-1111-4c2d-9a55-0123456789ab",
        "TEAMS_APP_PASSWORD": "client-secret",
        "TEAMS_TENANT_ID": "7d9b2c1a-2222-4e3f-8b66-abcdef012345",
    }.items():
        monkeypatch.setenv(name, value)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(BLOCKS, encoding="utf-8")

    messenger, teams = create_http_input_channels(None, str(credentials))

    assert isinstance(messenger, MessengerInput)
    assert (messenger.verify_token, messenger.app_secret, messenger.page_access_token) == (
        "verify-me",
        "app-secret",
        "page-token",
    )
    assert messenger.graph_api_url == DEFAULT_GRAPH_API_URL
    assert messenger.url_prefix() == "facebook"
    assert isinstance(teams, TeamsInput)
    assert teams.app_id == "3f0e5b7c-1111-4c2d-9a55-0123456789ab"
    assert teams.tokens.token_url == (
        "https://login.microsoftonline.com/7d9b2c1a-2222-4e3f-8b66-abcdef012345/oauth2/v2.0/token"
    )
    assert teams.url_prefix() == "botframework"


def test_an_empty_secret_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MESSENGER_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("MESSENGER_APP_SECRET", "")
    monkeypatch.setenv("MESSENGER_PAGE_ACCESS_TOKEN", "page-token")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(BLOCKS.split("\n\n")[0], encoding="utf-8")
    with pytest.raises(ValueError, match="app_secret"):
        create_http_input_channels(None, str(credentials))
