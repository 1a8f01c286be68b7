"""Every notice a channel sends on its own has its one French text."""

from __future__ import annotations

import pytest

from bot.channels.wording import TEXTS, Notice


def test_every_code_has_its_text_and_no_text_is_orphaned() -> None:
    assert set(TEXTS) == set(Notice)


@pytest.mark.parametrize("notice", list(Notice))
def test_texts_are_french_sentences(notice: Notice) -> None:
    text = notice.text
    assert text == TEXTS[notice]
    assert text[0].isupper() and text.rstrip()[-1] in ".?!"
    # French typography: a space before the high punctuation marks.
    for mark in "?:;!":
        assert f" {mark}" in text or mark not in text
