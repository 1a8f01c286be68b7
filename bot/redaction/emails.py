"""E-mail addresses, written plainly or spelled out ("paul.girard at gmail point com")."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LOCAL = r"[\w+'-]+(?:(?:\.| \. )[\w+'-]+){0,6}"
_BRACKET_AT = r"\s{0,2}[(\[{<]\s{0,2}(?:at|arobase|@)\s{0,2}[)\]}>]\s{0,2}"
_BRACKET_DOT = r"\s{0,2}[(\[{]\s{0,2}(?:dot|point)\s{0,2}[)\]}]\s{0,2}"
_DOMAIN = r"[\w-]+(?:(?:\.| \. |" + _BRACKET_DOT + r"|\s(?:dot|point)\s)[\w-]+){0,5}"
_EMAIL_RE = re.compile(
    r"(?<![\w.+'-])(?P<local>" + _LOCAL + r")(?P<at>\s{0,2}@\s{0,2}|" + _BRACKET_AT
    + r"|\s(?:at|arobase|chez)\s)(?P<domain>" + _DOMAIN + r")",
    re.IGNORECASE,
)
_TLD = re.compile(r"(?:\.|\s(?:dot|point)\s|[)\]}]\s{0,2})\s{0,2}[A-Za-z]{2,6}$", re.IGNORECASE)
_PROVIDERS = re.compile(
    r"^(?:gmail|hotmail|yahoo|orange|free|wanadoo|laposte|outlook|icloud|sfr|live|protonmail|msn|aol|neuf|bbox)",
    re.IGNORECASE,
)


_TEAMS_THREAD = re.compile(r"(?:thread\.(?:v2|skype|tacv2)|unq\.gbl\.spaces)$", re.IGNORECASE)


def _email_span(match: re.Match[str]) -> tuple[int, int] | None:
    at = match.group("at").strip().lower()
    local, domain = match.group("local"), match.group("domain")
    if _TEAMS_THREAD.match(domain):
        # Teams conversation ids ("19:meeting_…@thread.v2") are no one's address.
        return None
    # The domain may have swallowed a following word ("gmail.com merci"): trim to what
    # looks like a domain (labels joined by dots).
    if at in ("at", "chez", "arobase"):
        # A spelled-out "at" needs an address-like local part ("paul.girard at …"), not
        # "je travaille chez Doctolib".
        if at != "arobase" and not re.search(r"[._\d]", local):
            return None
        if not (_TLD.search(domain) or _PROVIDERS.match(domain)):
            return None
    elif "@" not in at and not (_TLD.search(domain) or _PROVIDERS.match(domain)):
        return None
    if " " in local.strip() and "@" not in at:
        return None
    return match.start(), match.end()


_EMAIL_HINT = re.compile(r"@|\b(?=[acAC])(?:at|arobase|chez)\b", re.IGNORECASE)


def email_spans(text: str) -> Iterable[tuple[int, int]]:
    if _EMAIL_HINT.search(text) is None:
        return
    for match in _EMAIL_RE.finditer(text):
        span = _email_span(match)
        if span:
            yield span
