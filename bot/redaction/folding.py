"""One spelling per separator, and how identifiers are compared with the public list."""

from __future__ import annotations

import re

from textnorm import fold as text_fold

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


def identity(value: str) -> str:
    """How identifiers are compared with the public list: folded, digits and letters only."""
    return re.sub(r"[^0-9a-z@]", "", text_fold(fold_separators(value)))
