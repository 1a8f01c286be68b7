"""Redaction of personal identifiers, before anything is stored.

Pure functions, no state: the tracker store calls :func:`redact_event` on every event it
writes (user and bot events alike), so e-mail addresses, phone numbers, NIR, IBAN and RIB,
card numbers, RPPS/ADELI numbers, birth dates, postal addresses and names given with some
context never reach the database. docs/privacy.md lists what is recognised and the figures.

How it works:

* The text is first *folded* character for character (non-breaking and thin spaces become
  spaces, typographic dashes become "-", the full-width "＠" becomes "@"), so offsets stay
  those of the original and every pattern sees one spelling of each separator.
* Numbers are read as *runs*: digits joined by short separators (" ", ".", "-", "/", "(0)").
  A run is cut into identifiers by what its digits say (ten digits starting with 0 is a French
  phone number and whatever digit follows it is not part of it; + or 00 starts an
  international number; 13 or 15 digits shaped like a NIR, 23 like a RIB…). Any other run of
  eight digits or more is hidden as a number: a missed identifier cannot be recalled from a
  backup, an over-hidden number only costs a reviewer a little context. French amounts and
  populations ("175 000", "40 000 – 175 000"), lists of years and dates that are not birth
  dates stay readable.
* Words need context: a birth keyword before a date, an introduction, a title, a closing
  formula or a form label before a name, a street type after a house number.

Every pattern is linear: no repetition nests another over the same characters (a separator
class and a digit class never overlap), bounded repetitions elsewhere, and a length cap per
string (longer strings are cut, see :data:`MAX_TEXT`).
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.fr import nir as std_nir

from textnorm import fold as text_fold

EMAIL = "[e-mail]"
PHONE = "[téléphone]"
NIR = "[NIR]"
IBAN = "[IBAN]"
CARD = "[carte bancaire]"
RPPS = "[RPPS]"
ADELI = "[ADELI]"
NAME = "[nom]"
BIRTH_DATE = "[date de naissance]"
ADDRESS = "[adresse]"
NUMBER = "[numéro]"
TRUNCATED = " [texte tronqué]"

PLACEHOLDERS = (EMAIL, PHONE, NIR, IBAN, CARD, RPPS, ADELI, NAME, BIRTH_DATE, ADDRESS, NUMBER)
# Kinds whose presence in a sender id makes it personal (see stored_sender_id).
SENDER_KINDS = frozenset({EMAIL, PHONE})

# Longer strings are cut before redaction: the patterns are linear, but a bound keeps one
# message's cost fixed whatever a client sends. The REST channel caps messages far below this.
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Redaction:
    """One hidden span of the original text and what replaced it."""

    start: int
    end: int
    placeholder: str


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def luhn_valid(number: str) -> bool:
    """Luhn checksum (payment cards, RPPS)."""
    digits = _digits(number)
    return bool(digits) and std_luhn.is_valid(digits)


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check (mod 97 = 1 after moving the first four characters to the end)."""
    compact = re.sub(r"[\s.\-]", "", candidate).upper()
    return 15 <= len(compact) <= 34 and std_iban.is_valid(compact)


def nir_key_valid(candidate: str) -> bool:
    """The NIR key is 97 - (first 13 characters mod 97); Corsica's 2A and 2B count as 19 and 18."""
    compact = re.sub(r"[\s.\-]", "", candidate).upper()
    if len(compact) != 15:
        return False
    try:
        return std_nir.calc_check_digits(compact[:13]) == compact[13:]
    except ValueError:
        return False


def rib_key_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """The French RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97, letters as digits."""
    letters = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
    account = account.upper().translate(letters)
    if not (bank + branch + account + key).isdigit():
        return False
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97 == int(key)


# --------------------------------------------------------------------------- folding
_FOLD = str.maketrans(
    {
        **{char: " " for char in "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u200b\u3000"},
        **{char: "-" for char in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
        "\uff20": "@",
        "\uff0e": ".",
        "\u2019": "'",
        "\u2018": "'",
    }
)


def fold_separators(text: str) -> str:
    """`text` with one spelling per separator, same length (offsets are shared)."""
    return text.translate(_FOLD)


# --------------------------------------------------------------------------- numbers
# A digit, then (separator? digit)*: separators and digits never overlap, so a run has one
# reading only. "(0)" is the trunk prefix of "+33 (0)6 …".
_SEP = r"(?:[ .\-/]{1,3}|[ ]?\(0\)[ ]?)"
_RUN_RE = re.compile(r"(?<![\w+@])(?:\+[ ]?)?\d(?:" + _SEP + r"?\d)*(?![\w@])")
_GROUP_RE = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE_SHAPE = re.compile(
    r"(?<![\d/.\-])(?<!\d[ .\-/])(?P<d>\d{1,2})(?P<s>\s{0,2}[/.\-]\s{0,2}|\s{1,2})(?P<m>\d{1,2})"
    r"(?P=s)(?P<y>\d{4}|\d{2})(?![ .\-/]{0,3}\d)"
)
_ISO_DATE_SHAPE = re.compile(r"(?<![\d/.\-])(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
# French overseas mobile and fixed prefixes written without the 0 after +262, +590, …
_NIR_FIRST = "1234 78"


def _thousands(groups: list[str]) -> bool:
    """"175 000", "1 500 000": an amount or a population, written the French way."""
    return len(groups) >= 2 and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _not_an_identifier(run: str, groups: list[str]) -> bool:
    """Runs of digits that are ordinary figures: amounts, ranges of them, lists of years."""
    if _thousands(groups) and not run.startswith("0"):
        return True
    if _DATE_SHAPE.fullmatch(run) or _ISO_DATE_SHAPE.fullmatch(run):
        # Dates are judged by the date rules (birth keyword, old year), not as numbers.
        return True
    if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return True
    # "40 000 - 175 000", "20 000/50 000": each side of a dash or slash is an amount or a year.
    parts = re.split(r" ?[-/] ?", run) if ("-" in run or "/" in run) else [run]
    if len(parts) == 2:
        sides = [_GROUP_RE.findall(part) for part in parts]
        return all(_thousands(side) or (len(side) == 1 and _YEAR.fullmatch(side[0])) for side in sides)
    return False


def _number_kind(digits: str, international: bool) -> str:
    if international:
        return PHONE
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return PHONE
    if len(digits) == 15 and nir_key_valid(digits):
        return NIR
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return CARD
    if len(digits) in (13, 15) and digits[0] in _NIR_FIRST:
        return NIR
    if len(digits) == 11 and digits.startswith("10") and luhn_valid(digits):
        return RPPS
    if len(digits) == 23:
        return IBAN
    return NUMBER


def _split_run(start: int, run: str) -> list[Redaction]:
    """Identifiers inside one run of digits (absolute offsets).

    Phone numbers are cut off the front as long as the run goes on ("06 12 34 56 78 2 fois",
    "06 12 34 56 78 06 98 76 54 32"); what remains is one identifier. Each digit is looked at
    a bounded number of times, however long the run.
    """
    if len(run) < 8:
        return []
    # The "(0)" of "+33 (0)6" is no digit of the number.
    groups = [(m.start(), m.end(), m.group(0)) for m in _GROUP_RE.finditer(run.replace("(0)", "   "))]
    texts = [g[2] for g in groups]
    digits = "".join(texts)
    if len(digits) < 8 or _not_an_identifier(run, texts):
        return []
    found: list[Redaction] = []
    index = consumed = 0
    while index < len(groups):
        rest = digits[consumed:]
        if len(rest) < 8:
            break
        cut = None
        kind = PHONE
        if index == 0 and (run.startswith("+") or (rest.startswith("00") and rest[2:3] not in ("", "0"))):
            # "+33 6 12 34 56 78 9h": a French number is +33 and nine digits; other countries vary.
            body = rest[2:] if rest.startswith("00") else rest
            if body.startswith("33") and len(body) > 11:
                cut = len(rest) - len(body) + 11
        elif len(rest) > 10 and rest[0] == "0" and rest[1] != "0" and not _nir_like(rest):
            cut = 10
        else:
            kind = _number_kind(rest, False)
        last = _group_reaching(groups, index, cut) if cut is not None else None
        begin = start if index == 0 else start + groups[index][0]  # the "+" belongs to the number
        if last is None:
            found.append(Redaction(begin, start + groups[-1][1], kind))
            break
        found.append(Redaction(begin, start + groups[last][1], PHONE))
        consumed += cut or 0
        index = last + 1
    return found


def _nir_like(digits: str) -> bool:
    return len(digits) in (13, 15) and digits[0] in _NIR_FIRST


def _group_reaching(groups: list[tuple[int, int, str]], first: int, count: int) -> int | None:
    """Index of the group, from `first` on, that ends on the `count`-th digit, if one does."""
    seen = 0
    for index in range(first, len(groups)):
        seen += len(groups[index][2])
        if seen == count:
            return index
        if seen > count:
            return None
    return None


# --------------------------------------------------------------------------- keyed numbers
# Between a keyword and its number: punctuation or one of a few words, at most 12 pieces.
# Every alternative starts on a different kind of character (a letter for the words, a
# non-word character for the rest), so a run of ":" or "?" has one reading only.
_KEYWORD_GAP = r"(?:\W|n°|no\b|num[ée]ro\b|est\b|c'est\b|le\b|de\b){0,12}"
_DSEP = r"[ .\-/]?"
_RPPS_KEYWORD_RE = re.compile(
    r"\bRPPS\b" + _KEYWORD_GAP + r"(?P<id>\d(?:" + _DSEP + r"\d){10})(?!\d)", re.IGNORECASE
)
_ADELI_KEYWORD_RE = re.compile(
    r"\bADELI\b" + _KEYWORD_GAP + r"(?P<id>(?:\d|2[AaBb])(?:" + _DSEP + r"\d){7,8})(?!\d)",
    re.IGNORECASE,
)
_IBAN_RE = re.compile(r"\b[A-Za-z]{2} ?\d{2}[ .\-]{0,2}\d(?:[ .\-]{0,2}[A-Za-z0-9]){9,31}")
_IBAN_COUNTRIES = frozenset(["FR", "BE", "DE", "ES", "IT", "LU", "CH", "MC", "GB", "NL", "PT", "AT", "IE"])
_CORSICA_NIR_RE = re.compile(
    r"(?<![\w+])[12][ .\-]?\d{2}[ .\-]?\d{2}[ .\-]?2[AaBb][ .\-]?\d{3}[ .\-]?\d{3}(?:[ .\-]?\d{2})?(?![\w@])"
)


def _iban_spans(text: str) -> Iterable[tuple[int, int]]:
    """IBANs: a country code, two check digits, then groups up to the first group without digit."""
    position = 0
    while True:
        match = _IBAN_RE.search(text, position)
        if match is None:
            return
        candidate = match.group(0)
        pieces = list(re.finditer(r"[A-Za-z0-9]+", candidate))
        end = pieces[0].end()
        body = ""
        for piece in pieces[1:] if len(pieces) > 1 else []:
            if not any(char.isdigit() for char in piece.group(0)):
                break
            end = piece.end()
        compact = re.sub(r"[^A-Za-z0-9]", "", candidate[:end]).upper()
        body = compact[4:]
        country = compact[:2]
        accepted = len(compact) >= 14 and (
            iban_valid(compact)
            or (country in _IBAN_COUNTRIES and sum(char.isdigit() for char in body) >= 10)
        )
        if accepted:
            yield match.start(), match.start() + end
            position = match.start() + end
        else:
            # Rejected: look again from the next word, an IBAN may start inside the match.
            position = match.start() + 2


# --------------------------------------------------------------------------- e-mails
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


# --------------------------------------------------------------------------- dates
# Longest first: "janvier" before "jan", "cinquante" before "cinq".
def _longest_first(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_MONTHS = _longest_first(
    "janvier janv jan fevrier février fevr févr fev fév mars avril avr mai juin juillet juil"
    " aout août septembre sept sep octobre oct novembre nov decembre décembre dec déc"
)
_NUMBER_WORDS = _longest_first(
    "premier un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze"
    " quinze seize vingt vingts trente quarante cinquante soixante cent cents mille et"
)
_DATE_TOKEN = re.compile(
    r"\d{1,8}(?:er)?|(?:" + _MONTHS + r")\.?|(?:" + _NUMBER_WORDS + r")(?:-(?:" + _NUMBER_WORDS + r"))*",
    re.IGNORECASE,
)
_BIRTH_KEYWORD_RE = re.compile(
    r"(?<!\w)(?=[ndaNDA])(?:n[ée]e?s?|n[ée]\s?\(e\)|naissance|naiss\.?|ddn|d\.\s?n\.|dob|anniversaire)(?!\w)",
    re.IGNORECASE,
)
_BIRTH_FILLER = re.compile(
    r"(?:\s|:|,|\(e\)|est\b|le\b|en\b|du\b|au\b|:)*", re.IGNORECASE
)
_DATE_GAP = re.compile(r"[ /.\-]{1,3}")
_TEXT_DATE_RE = re.compile(
    r"(?<!\w)(?P<d>\d{1,2}(?:er)?)\s{1,2}(?P<m>" + _MONTHS + r")\.?\s{1,2}(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_LEGAL_BEFORE = re.compile(
    r"(?:loi|d[ée]cret|arr[êe]t[ée]|ordonnance|circulaire|instruction|article|code|convention"
    r"|avenant|accord|d[ée]lib[ée]ration|jo|version)\b[^\n]{0,25}$",
    re.IGNORECASE,
)
# Without a birth keyword, a full date is taken for a birth date when its year is at least
# this many years old: appointments, meetings and legal texts of the documents are recent.
OLD_YEAR = 2008


def _birth_spans(text: str) -> Iterable[tuple[int, int]]:
    """Date-like words after a birth keyword ("née le 12 mars 1985", "ddn 12/03/85")."""
    for keyword in _BIRTH_KEYWORD_RE.finditer(text):
        position = _BIRTH_FILLER.match(text, keyword.end()).end()
        first = last = None
        tokens = numbers = 0
        while tokens < 8:
            token = _DATE_TOKEN.match(text, position)
            if token is None or (token.end() < len(text) and text[token.end()].isalpha()):
                break
            if first is None:
                first = token.start()
            last = token.end()
            tokens += 1
            value = token.group(0).removesuffix("er")
            if value.isdigit():
                numbers += 1
                # A date has at most three numbers and ends with its year: what follows
                # ("née le 12/03/1985 06 12 34 56 78") is something else.
                iso = numbers == 1 and len(value) == 4 and text[last : last + 1] in ("-", "/")
                if numbers == 3 or (len(value) >= 4 and not iso):
                    break
            gap = _DATE_GAP.match(text, last)
            if gap is None:
                break
            position = gap.end()
        if first is None or last is None:
            continue
        found = text[first:last]
        # A year alone ("une MSP née en 2009", "née en 1985") is kept: it names no one, and
        # documents date structures that way.
        if tokens == 1 and found.isdigit() and len(found) == 4:
            continue
        if tokens >= 2 or any(char.isdigit() for char in found):
            yield first, last


def _year(value: str) -> int:
    number = int(value)
    if len(value) == 2:
        return 1900 + number if number > 25 else 2000 + number
    return number


def _old_date(text: str, start: int, year: str) -> bool:
    return _year(year) <= OLD_YEAR and not _LEGAL_BEFORE.search(text[max(0, start - 40) : start])


_MONTH_WORD_RE = re.compile(r"(?<!\w)(?=[jfmasondJFMASOND])(?:" + _MONTHS + r")(?!\w)", re.IGNORECASE)


def _date_spans(text: str) -> Iterable[tuple[int, int]]:
    """Full dates with an old year, without keyword: "Mme Petit, 19/01/1959"."""
    for match in _DATE_SHAPE.finditer(text):
        if (
            1 <= int(match.group("d")) <= 31
            and 1 <= int(match.group("m")) <= 12
            and _old_date(text, match.start(), match.group("y"))
        ):
            yield match.start(), match.end()
    for match in _ISO_DATE_SHAPE.finditer(text):
        if _old_date(text, match.start(), match.group("y")):
            yield match.start(), match.end()
    if _MONTH_WORD_RE.search(text) is None:
        return
    for match in _TEXT_DATE_RE.finditer(text):
        if _old_date(text, match.start(), match.group("y")):
            yield match.start(), match.end()


# --------------------------------------------------------------------------- names
_CAP = r"[A-ZÀ-ÖØ-Þ]"
_NAME_WORD = r"[^\W\d_][\w'\-]*"
_CAP_WORD = _CAP + r"[\w'\-]*"
_INITIAL = _CAP + r"\."
_PARTICLES = frozenset({"de", "du", "des", "la", "le", "d'", "van", "von", "da", "di", "ait", "ben", "el"})
def _folded_words(words: str) -> frozenset[str]:
    return frozenset(text_fold(word) for word in words.split())


_NOT_NAME = _folded_words(
    """
    et je j suis de du des la le les à a au aux pour qui mais donc ou car en est avec sur dans
    mon ma mes nous vous on il elle ils elles ce c ça ca cette tout tous très tres bien pas ne
    plus moins deja déjà encore aussi merci bonjour bonsoir salut madame monsieur docteur
    infirmier infirmière infirmiere idel ide médecin medecin kiné kine kinésithérapeute
    masseur pharmacien pharmacienne sage-femme sage généraliste generaliste libéral libérale
    liberal salarié salariée installé installée intéressé intéressée interessee nouveau
    nouvelle jeune président présidente coordinateur coordinatrice directeur directrice
    secrétaire secretaire interne étudiant étudiante remplaçant remplaçante orthophoniste
    dentiste chirurgien psychologue diététicien diététicienne podologue pédicure
    ergothérapeute psychomotricien psychomotricienne orthoptiste audioprothésiste opticien
    cadre responsable membre adhérent adhérente porteur porteuse gérant gérante titulaire
    assistant assistante retraité retraitée perdu perdue désolé désolée ravi ravie
    msp cpts esp ess cds ars cpam urps sisa pta dac aci fir has cvl paca sas scm selarl
    association mairie region région doctolib blois tours orléans orleans chartres nice
    ici là la-bas actuellement souvent toujours seul seule cordialement salutations
    je voudrais veux peux souhaite souhaiterais ai avons avez nom prénom prenom
    par sans entre chez vers depuis selon sous contre après avant pendant lors quand comment
    combien quel quelle quels quelles pourquoi où si que qu y se sa son ses leur leurs un une
    l bonne bon belle excellente quoi est-ce pouvez pourriez peut faut sinon ok enfin alors
    voici voilà"""
)
# Each cue list starts with a look-ahead on the first letters of its cues: most positions
# of a text are rejected there instead of trying every alternative.
_INTRO_RE = re.compile(
    r"(?=[jmpnsdaJMPNSDA])(?:\bje m'appelle|\bje me nomme|\bmon nom est|\bmon nom c'est"
    r"|\bmon nom\s?:|\bmoi c'est|\bje me pr[ée]sente\s?:?|\bpr[ée]nom\s?:|\bnom de famille\s?:"
    r"|\bnom d'usage\s?:|\bnom\s?:"
    r"|\bsign[ée]\s?:|\bsignature\s?:|\bde la part de|\bau nom de)\s+",
    re.IGNORECASE,
)
_SOFT_INTRO_RE = re.compile(r"(?=[jciJCI])(?:\bje suis|\bc'est|\bici|\bj'appelle pour)\s+", re.IGNORECASE)
_CLOSING_RE = re.compile(
    r"(?=[bcsmBCSM])(?:\bbien cordialement|\bcordialement|\bcdlt|\bcdt|\bbien à vous|\bbien a vous"
    r"|\bsinc[èe]res salutations|\bsalutations(?: distingu[ée]es)?|\bbonne (?:journ[ée]e|soir[ée]e)"
    r"|\bmerci d'avance|\bmerci par avance|\bmerci beaucoup|\bmerci)\s{0,3}[,.!]?\s{0,3}"
    r"(?:\n\s{0,3}){0,2}",
    re.IGNORECASE,
)
_SIGNATURE_RE = re.compile(r"(?:^|\n)--\s{0,2}\n")
_TITLE_RE = re.compile(
    r"(?=[dpmDPM])(?:\b(?i:docteur|dr|pr|professeur|madame|monsieur|mme|mlle|mademoiselle|mr)\.?|\bM\.)\s+"
)
_TEAMS_MENTION_RE = re.compile(r"<at>(?P<id>[^<]{1,200})</at>", re.IGNORECASE)
_WORD_AT = re.compile(r"(?:" + _INITIAL + r"|" + _NAME_WORD + r")")


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    return text_fold(word)


def _name_after(text: str, position: int, *, any_case: bool, limit: int = 4) -> tuple[int, int] | None:
    """The name words starting at `position` (a title may come first), up to `limit` words.

    Capitalised words, initials ("L."), and particles between them ("Marie de La Tour");
    with `any_case` (after "je m'appelle", "cordialement"), lower-case words too. Stops at the
    first ordinary word, profession or punctuation other than a space or a hyphen.
    """
    title = _TITLE_RE.match(text, position)
    if title is not None:
        position = title.end()
        any_case = False
    kept: list[tuple[int, int]] = []
    pending_particles: list[tuple[int, int]] = []
    while len(kept) < limit:
        word = _WORD_AT.match(text, position)
        if word is None:
            break
        token = word.group(0)
        folded = _fold_word(token.rstrip("'"))
        capitalised = token[:1].isupper()
        if folded in _PARTICLES and kept:
            pending_particles.append(word.span())
        elif folded in _PARTICLES and capitalised and _capitalised_word_at(text, word.end()):
            # "Monsieur Le Gall", "Madame Da Silva": a capitalised particle opens the name.
            kept.append(word.span())
        elif folded in _NOT_NAME or (not capitalised and not any_case):
            break
        else:
            kept.extend(pending_particles)
            pending_particles = []
            kept.append(word.span())
        gap = re.match(r"[ \t]{1,3}", text[word.end() :])
        if gap is None:
            break
        position = word.end() + gap.end()
    if not kept:
        return None
    return kept[0][0], kept[-1][1]


def _capitalised_word_at(text: str, position: int) -> bool:
    return re.match(r"[ \t]{1,3}" + _CAP, text[position : position + 5]) is not None


def _name_spans(text: str) -> Iterable[tuple[int, int]]:
    for match in _INTRO_RE.finditer(text):
        span = _name_after(text, match.end(), any_case=True)
        if span:
            yield span
    for match in _SOFT_INTRO_RE.finditer(text):
        span = _name_after(text, match.end(), any_case=False)
        # "c'est" and "ici" come before places and organisations too ("c'est Marseille qui…",
        # "ici Rennes"): there, only a first name and a surname make a name.
        weak = not match.group(0).lower().startswith(("je", "j'"))
        if span and (not weak or " " in text[span[0] : span[1]].strip()):
            yield span
    for match in _CLOSING_RE.finditer(text):
        merci = match.group(0).lower().startswith("merci")
        span = _name_after(text, match.end(), any_case=not merci)
        # After a closing formula a name stands alone, up to the end of the line or a comma
        # ("Merci. Quelle est…" is a question, not a signature).
        if span and _line_ends_after(text, span[1]):
            yield span
    for match in _SIGNATURE_RE.finditer(text):
        span = _name_after(text, match.end(), any_case=True)
        if span:
            yield span
    for match in _TITLE_RE.finditer(text):
        span = _name_after(text, match.end(), any_case=False)
        if span:
            yield span
    for match in _TEAMS_MENTION_RE.finditer(text):
        yield match.start("id"), match.end("id")


def _line_ends_after(text: str, end: int) -> bool:
    rest = text[end : end + 40]
    return not rest.strip() or rest.lstrip(" \t")[:1] in (",", ".", "\n", "-", "(", ";", "!")


# --------------------------------------------------------------------------- addresses
_STREET_TYPES = (
    r"rue|r\.|avenue|av\.?|bd|boulevard|blvd|impasse|imp\.|all[ée]e|place|pl\.|route|rte|chemin"
    r"|ch\.|quai|cours|square|passage|faubourg|fbg|r[ée]sidence|lotissement|hameau|voie|sentier"
    r"|esplanade|parvis|cit[ée]|villa|domaine|chauss[ée]e|mont[ée]e|rond-point|promenade"
)
# The street word is searched first (rare), then the house number just before it.
_STREET_RE = re.compile(
    r"(?<![\w.])(?=[rabipcqsfldvehmRABIPCQSFLDVEHM])(?:" + _STREET_TYPES + r")(?!\w)[ \t]{1,2}",
    re.IGNORECASE,
)
_HOUSE_NUMBER_RE = re.compile(
    r"(?<![\w,.])\d{1,4}(?:\s?(?:bis|ter|quater|b)\b)?,?\s{1,2}$", re.IGNORECASE
)
_LIEU_DIT_RE = re.compile(r"\blieu[- ]dit\s{1,2}", re.IGNORECASE)
_POSTBOX_RE = re.compile(r"\b(?:BP|CS)\s?\d{1,5}\b")
_STREET_WORD = re.compile(r"[^\W\d_][\w'\-]*")


def _street_name(text: str, position: int) -> int | None:
    """End of a street name: capitalised words and particles ("du Général de Gaulle")."""
    end = None
    for _ in range(6):
        word = _STREET_WORD.match(text, position)
        if word is None:
            break
        token = word.group(0)
        folded = _fold_word(token)
        if token[:1].isupper() or re.match(r"[ldLD]'" + _CAP, token):
            end = word.end()
        elif folded.rstrip("'") not in _PARTICLES and folded not in ("les", "l'"):
            break
        gap = re.match(r"[ \t]{1,2}", text[word.end() :])
        if gap is None:
            break
        position = word.end() + gap.end()
    return end


def _address_spans(text: str) -> Iterable[tuple[int, int]]:
    for match in _STREET_RE.finditer(text):
        number = _HOUSE_NUMBER_RE.search(text, max(0, match.start() - 16), match.start())
        if number is None:
            continue
        end = _street_name(text, match.end())
        if end is not None:
            yield number.start(), end
    for match in _LIEU_DIT_RE.finditer(text):
        end = _street_name(text, match.end())
        if end is not None:
            yield match.end(), end
    for match in _POSTBOX_RE.finditer(text):
        yield match.start(), match.end()


# --------------------------------------------------------------------------- finding
def _groups(pattern: re.Pattern[str], group: str | int = 0) -> Callable[[str], Iterable[tuple[int, int]]]:
    def find(text: str) -> Iterable[tuple[int, int]]:
        for match in pattern.finditer(text):
            yield match.start(group), match.end(group)

    return find


_EMAIL_HINT = re.compile(r"@|\b(?=[acAC])(?:at|arobase|chez)\b", re.IGNORECASE)


def _email_spans(text: str) -> Iterable[tuple[int, int]]:
    if _EMAIL_HINT.search(text) is None:
        return
    for match in _EMAIL_RE.finditer(text):
        span = _email_span(match)
        if span:
            yield span


def _birth_keyword_dates(text: str) -> Iterable[tuple[int, int]]:
    yield from _birth_spans(text)


# Order matters: the first finder that claims a span wins, so the most specific come first.
_FINDERS: tuple[tuple[Callable[[str], Iterable[tuple[int, int]]], str], ...] = (
    (_email_spans, EMAIL),
    (_iban_spans, IBAN),
    (_groups(_RPPS_KEYWORD_RE, "id"), RPPS),
    (_groups(_ADELI_KEYWORD_RE, "id"), ADELI),
    (_groups(_CORSICA_NIR_RE), NIR),
    (_birth_keyword_dates, BIRTH_DATE),
    (_date_spans, BIRTH_DATE),
)


class _Spans:
    """Sorted, non-overlapping spans; a span that overlaps one already taken is dropped.

    Only the two neighbours of a new span can overlap it, found by bisection (scanning every
    span taken was quadratic in the number of matches).
    """

    def __init__(self) -> None:
        self.taken: list[Redaction] = []
        self.starts: list[int] = []

    def claim(self, start: int, end: int, placeholder: str) -> None:
        if start >= end:
            return
        index = bisect.bisect_left(self.starts, start)
        if index > 0 and self.taken[index - 1].end > start:
            return
        if index < len(self.taken) and self.taken[index].start < end:
            return
        self.taken.insert(index, Redaction(start, end, placeholder))
        self.starts.insert(index, start)

    def free_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) that no span covers."""
        index = bisect.bisect_left(self.starts, start)
        if index > 0:
            index -= 1
        pieces = []
        cursor = start
        while index < len(self.taken) and self.taken[index].start < end:
            item = self.taken[index]
            if item.end > cursor:
                if item.start > cursor:
                    pieces.append((cursor, item.start))
                cursor = max(cursor, item.end)
            index += 1
        if cursor < end:
            pieces.append((cursor, end))
        return pieces

    def free(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.starts, start)
        if index > 0 and self.taken[index - 1].end > start:
            return False
        return not (index < len(self.taken) and self.taken[index].start < end)


def find_redactions(text: str, public: frozenset[str] = frozenset()) -> list[Redaction]:
    """Spans of `text` to hide, sorted and non-overlapping.

    `public` holds identifiers that are public (the contacts quoted in the knowledge base,
    see :func:`public_identifiers`), compared by :func:`identity`: they are left readable.
    """
    folded = fold_separators(text)
    spans = _Spans()

    def claim(start: int, end: int, placeholder: str) -> None:
        if public and identity(folded[start:end]) in public:
            return
        spans.claim(start, end, placeholder)

    for finder, placeholder in _FINDERS:
        for start, end in finder(folded):
            claim(start, end, placeholder)
    for run in _RUN_RE.finditer(folded):
        if run.end() - run.start() < 8:
            continue  # fewer than eight digits: never an identifier
        for start, end in spans.free_pieces(run.start(), run.end()):
            if start == run.start() and end == run.end():
                pieces = [(start, run.group(0))]
            else:
                # Part of the run is an identifier already found ("née le 12/03/1985 06 12…"):
                # the rest is read again as runs of its own.
                pieces = [(start + m.start(), m.group(0)) for m in _RUN_RE.finditer(folded[start:end])]
            for offset, piece in pieces:
                for item in _split_run(offset, piece):
                    claim(item.start, item.end, item.placeholder)
    for start, end in _address_spans(folded):
        claim(start, end, ADDRESS)
    for start, end in _name_spans(folded):
        claim(start, end, NAME)
    return spans.taken


def identity(value: str) -> str:
    """How identifiers are compared with the public list: folded, digits and letters only."""
    return re.sub(r"[^0-9a-z@]", "", text_fold(fold_separators(value)))


def apply_redactions(text: str, redactions: list[Redaction]) -> str:
    parts: list[str] = []
    cursor = 0
    for item in redactions:
        parts.append(text[cursor : item.start])
        parts.append(item.placeholder)
        cursor = item.end
    parts.append(text[cursor:])
    return "".join(parts)


def _capped(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + TRUNCATED


class Redactor:
    """Redaction with what is known of one conversation.

    `public`: identifiers quoted in the knowledge base, left readable. `known`: the raw values
    already hidden elsewhere in the conversation (user messages), hidden again wherever they
    reappear (the assistant echoing an unknown term, a slot filled from the message, a button
    payload), whatever the pattern would say of them out of context.
    """

    def __init__(self, public: frozenset[str] = frozenset()) -> None:
        self.public = public
        self.known: dict[str, str] = {}
        self._known_re: re.Pattern[str] | None = None

    def learn(self, text: str, redactions: list[Redaction]) -> None:
        for item in redactions:
            value = text[item.start : item.end]
            values = [value]
            if item.placeholder == NAME:
                # An answer may echo a part of the name ("cdlt, L. Gauthier" -> "Gauthier").
                values += [
                    word
                    for word in re.findall(_NAME_WORD, value)
                    if len(word) >= 3 and _fold_word(word) not in _PARTICLES | _NOT_NAME
                ]
            for known in values:
                if len(known.strip()) >= 3 and known not in self.known:
                    self.known[known] = item.placeholder
                    self._known_re = None

    def find(self, text: str) -> list[Redaction]:
        redactions = find_redactions(text, self.public)
        if not self.known:
            return redactions
        if self._known_re is None:
            values = sorted(self.known, key=len, reverse=True)
            alternatives = "|".join(re.escape(value) for value in values)
            # Whole words only: a hidden "Roux" does not hide "Rouxel".
            self._known_re = re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE)
        # Known values first: their kind comes from the context they had in the user message.
        spans = _Spans()
        lowered = {value.lower(): placeholder for value, placeholder in self.known.items()}
        for match in self._known_re.finditer(text):
            spans.claim(match.start(), match.end(), lowered.get(match.group(0).lower(), NAME))
        for item in redactions:
            spans.claim(item.start, item.end, item.placeholder)
        return spans.taken

    def text(self, text: str, *, learn: bool = False) -> tuple[str, list[Redaction]]:
        text = _capped(text)
        redactions = self.find(text)
        if learn:
            self.learn(text, redactions)
        return apply_redactions(text, redactions), redactions

    def value(self, value: Any) -> Any:
        """Strings inside any JSON-like value (slot values, metadata, bot data)."""
        if isinstance(value, str):
            return self.text(value)[0]
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self._keyed(key, item) for key, item in value.items()}
        return value

    def _keyed(self, key: Any, item: Any) -> Any:
        # Fields that name a person or a contact whatever they hold (channel metadata).
        if isinstance(key, str) and isinstance(item, str) and item.strip():
            kind = _PERSONAL_KEYS.get(key.lower())
            if kind is not None:
                return kind
        return self.value(item)


_PERSONAL_KEYS: Mapping[str, str] = {
    "name": NAME,
    "first_name": NAME,
    "last_name": NAME,
    "firstname": NAME,
    "lastname": NAME,
    "given_name": NAME,
    "givenname": NAME,
    "family_name": NAME,
    "surname": NAME,
    "username": NAME,
    "user_name": NAME,
    "display_name": NAME,
    "displayname": NAME,
    "email": EMAIL,
    "mail": EMAIL,
    "userprincipalname": EMAIL,
    "phone": PHONE,
    "phone_number": PHONE,
    "telephone": PHONE,
}
# Event fields that are names of the assistant's own things, never personal data.
_STRUCTURAL = frozenset(
    {"event", "timestamp", "name", "policy", "confidence", "action_text", "input_channel", "message_id",
     "intent", "intent_ranking", "entity", "extractor", "processors", "role", "group",
     "response_selector", "action_name", "hide_rule_turn", "is_interrupted", "timestamp_str"}
)


def redact(text: str, public: frozenset[str] = frozenset()) -> str:
    """`text` with every recognised personal identifier replaced by a placeholder."""
    if not text:
        return text
    text = _capped(text)
    return apply_redactions(text, find_redactions(text, public))


def map_offset(position: int, redactions: list[Redaction], *, is_end: bool = False) -> int:
    """Where a character offset of the original text lands in the redacted text.

    An offset inside a hidden span snaps to the placeholder's start (or end for an entity's
    end), so an entity that overlapped an identifier covers the placeholder instead.
    """
    shift = 0
    for item in redactions:
        if position <= item.start or (not is_end and position == item.start):
            break
        if position < item.end or (is_end and position == item.end):
            start = item.start + shift
            return start + len(item.placeholder) if is_end else start
        shift += len(item.placeholder) - (item.end - item.start)
    return position + shift


def _overlapping(start: int, end: int, redactions: list[Redaction]) -> Redaction | None:
    for item in redactions:
        if item.start < end and start < item.end:
            return item
    return None


def _redact_entities(entities: Any, redactions: list[Redaction], redactor: Redactor) -> Any:
    if not isinstance(entities, list):
        return entities
    cleaned = []
    for entity in entities:
        if not isinstance(entity, dict):
            cleaned.append(redactor.value(entity))
            continue
        entity = dict(entity)
        start, end = entity.get("start"), entity.get("end")
        positioned = isinstance(start, int) and isinstance(end, int)
        hit = _overlapping(start, end, redactions) if positioned else None
        if hit is not None:
            # Part of the entity was personal: the whole value goes (a partial value such as
            # the first name alone would still identify).
            entity["value"] = hit.placeholder
        elif "value" in entity:
            entity["value"] = redactor.value(entity["value"])
        if "text" in entity:
            entity["text"] = redactor.value(entity["text"])
        if positioned:
            entity["start"] = map_offset(start, redactions)
            entity["end"] = map_offset(end, redactions, is_end=True)
        if "additional_info" in entity:
            entity["additional_info"] = redactor.value(entity["additional_info"])
        cleaned.append(entity)
    return cleaned


def redact_event(event: dict[str, Any], redactor: Redactor | None = None) -> dict[str, Any]:
    """A copy of a serialised Rasa event with personal identifiers removed.

    User messages lose them in `text`, `parse_data.text`, entity values (an entity that
    overlaps a hidden span takes its placeholder, offsets are moved to the redacted text) and
    metadata; what a user message hid is taught to `redactor`, so bot answers, button payloads
    and slots that echo it are cleaned too. Every other string of every event goes through the
    same patterns, apart from the names of the assistant's own intents, actions and slots.
    Pass one `redactor` for all the events of a conversation, user messages first.
    """
    redactor = redactor or Redactor()
    cleaned = copy.deepcopy(event)
    kind = cleaned.get("event")
    if kind == "user":
        text = cleaned.get("text")
        redactions: list[Redaction] = []
        if isinstance(text, str):
            cleaned["text"], redactions = redactor.text(text, learn=True)
            text = _capped(text)
        parse_data = cleaned.get("parse_data")
        if isinstance(parse_data, dict):
            parsed_text = parse_data.get("text")
            parse_redactions = redactions
            if isinstance(parsed_text, str):
                if parsed_text != text:
                    parse_data["text"], parse_redactions = redactor.text(parsed_text, learn=True)
                else:
                    parse_data["text"] = cleaned["text"]
            parse_data["entities"] = _redact_entities(parse_data.get("entities"), parse_redactions, redactor)
            for key in list(parse_data):
                if key not in ("text", "entities", "intent", "intent_ranking"):
                    parse_data[key] = redactor.value(parse_data[key])
        for key in list(cleaned):
            if key not in ("text", "parse_data") and key not in _STRUCTURAL:
                cleaned[key] = redactor.value(cleaned[key])
        return cleaned
    if kind == "entities":
        cleaned["entities"] = _redact_entities(cleaned.get("entities"), [], redactor)
    for key in list(cleaned):
        if key not in _STRUCTURAL and key != "entities":
            cleaned[key] = redactor.value(cleaned[key])
    return cleaned


# --------------------------------------------------------------------------- sender ids
KEY_VARIABLES = ("REDACTION_KEY", "WEBCHAT_SECRET_KEY", "REVIEW_SECRET_KEY")


def redaction_key(env: Mapping[str, str] | None = None, secret_file: str | None = None) -> bytes:
    """The key of sender-id pseudonyms, the same in every process that stores or deletes.

    REDACTION_KEY, else WEBCHAT_SECRET_KEY (already identical on every Rasa instance), else
    REVIEW_SECRET_KEY, else the web chat's generated key file (var/webchat_secret, shared by
    the processes of one machine), else empty.
    """
    env = os.environ if env is None else env
    for name in KEY_VARIABLES:
        if env.get(name):
            return env[name].encode("utf-8")
    if secret_file is None:
        from bot.settings import VAR_DIR

        secret_file = str(VAR_DIR / "webchat_secret")
    try:
        with open(secret_file, encoding="ascii") as handle:
            return handle.read().strip().encode("ascii")
    except (OSError, UnicodeDecodeError):
        return b""


def stored_sender_id(sender_id: str, key: bytes = b"") -> str:
    """The id a conversation is stored under: itself, unless it holds an e-mail or a phone.

    A personal sender id (a web page passing the visitor's e-mail, a channel keyed on phone
    numbers) becomes its redacted form plus a keyed hash, so the conversation stays one
    conversation without the address: "rest:[e-mail]#3fa2…". Without a key the hash of a phone
    number could be found by trying every number: deployments set REDACTION_KEY.
    """
    redactions = find_redactions(sender_id)
    if not any(item.placeholder in SENDER_KINDS for item in redactions):
        return sender_id
    digest = hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return f"{apply_redactions(sender_id, redactions)[:200]}#{digest}"


# Kinds a public document quotes as contacts: those found in the knowledge base stay readable.
PUBLIC_KINDS = frozenset({EMAIL, PHONE, ADDRESS})


def public_identifiers(texts: Iterable[str]) -> frozenset[str]:
    """The contacts (e-mail, phone, address) quoted in `texts`, compared by :func:`identity`.

    Built from the knowledge base: the assistant's answers quote the public numbers and
    addresses of regional agencies and unions, and a person may copy one into a question.
    Dates, names and other numbers of the documents are not exempted ("une MSP née en 2009"
    must not make every 2009 readable).
    """
    found = set()
    for text in texts:
        for item in find_redactions(text):
            if item.placeholder in PUBLIC_KINDS:
                found.add(identity(fold_separators(text)[item.start : item.end]))
    return frozenset(found)
