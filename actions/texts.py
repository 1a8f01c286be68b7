"""User-facing French text lives in domain.yml; actions read it from the domain they receive.

Actions assemble several response fragments into one message, because Messenger and Teams
show each message as a separate bubble.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.types import DomainDict


class MissingResponse(KeyError):
    """A response the code needs is absent from domain.yml (a bug, caught by the tests)."""


def response_text(domain: DomainDict, name: str, **values: Any) -> str:
    """The first variant of response `name`, with `{placeholders}` filled from `values`."""
    variants = domain.get("responses", {}).get(name)
    if not variants:
        raise MissingResponse(name)
    template = variants[0].get("text", "")
    return template.format(**values) if values else template


def response_buttons(domain: DomainDict, name: str) -> list[dict[str, str]]:
    """The buttons of response `name`, if it has any."""
    variants = domain.get("responses", {}).get(name) or [{}]
    # Payloads carrying entities are written with doubled braces in domain.yml
    # ('/inform{{"region": "Bretagne"}}') so that Rasa's response interpolation reads them as
    # literal braces instead of logging an error; str.format() undoes the doubling here too.
    return [
        {**button, "payload": button["payload"].format()} if "payload" in button else dict(button)
        for button in variants[0].get("buttons", [])
    ]
