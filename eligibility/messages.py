"""What the rules say, as codes with values; `render` turns one into its French sentence.

The rules never write French: they return `Message(code, values)`, and the wording of each code
is the template of `eligibility.wording.TEXTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eligibility.wording import TEXTS
from textnorm import format_number

__all__ = ["Message", "render", "say"]


@dataclass(frozen=True)
class Message:
    """A message code of `eligibility.wording.TEXTS` and the values its template needs.

    `values` is a tuple of (name, value) pairs so that messages stay hashable; a value may be a
    string, an integer (shown with French digit grouping) or another Message.
    """

    code: str
    values: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return render(self)


def say(code: str, **values: Any) -> Message:
    """The message `code` with its values; an unknown code fails here, not when shown."""
    if code not in TEXTS:
        raise KeyError(f"no wording for message code {code!r} in eligibility/wording.py")
    return Message(code, tuple(values.items()))


def _shown(value: Any) -> str:
    if isinstance(value, Message):
        return render(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def render(message: Message) -> str:
    """The French text of `message`; a (singular, plural) template is chosen by the value `n`."""
    template = TEXTS[message.code]
    values = dict(message.values)
    if isinstance(template, tuple):
        singular, plural = template
        template = singular if values.get("n") == 1 else plural
    return template.format(**{name: _shown(value) for name, value in values.items()})
