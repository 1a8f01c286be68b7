"""Names given with some context: an introduction, a title, a closing formula, a form label."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from textnorm import fold as text_fold

CAP = r"[A-ZÀ-ÖØ-Þ]"
NAME_WORD = r"[^\W\d_][\w'\-]*"
_INITIAL = CAP + r"\."
PARTICLES = frozenset({"de", "du", "des", "la", "le", "d'", "van", "von", "da", "di", "ait", "ben", "el"})


def _folded_words(words: str) -> frozenset[str]:
    return frozenset(text_fold(word) for word in words.split())


NOT_NAME = _folded_words(
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
_WORD_AT = re.compile(r"(?:" + _INITIAL + r"|" + NAME_WORD + r")")


@lru_cache(maxsize=8192)
def fold_word(word: str) -> str:
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
        folded = fold_word(token.rstrip("'"))
        capitalised = token[:1].isupper()
        if folded in PARTICLES and kept:
            pending_particles.append(word.span())
        elif folded in PARTICLES and capitalised and _capitalised_word_at(text, word.end()):
            # "Monsieur Le Gall", "Madame Da Silva": a capitalised particle opens the name.
            kept.append(word.span())
        elif folded in NOT_NAME or (not capitalised and not any_case):
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
    return re.match(r"[ \t]{1,3}" + CAP, text[position : position + 5]) is not None


def name_spans(text: str) -> Iterable[tuple[int, int]]:
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
