"""Check digits of the identifiers that have one: payment cards and RPPS (Luhn), IBAN, NIR, RIB."""

from __future__ import annotations

import re

from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.fr import nir as std_nir


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
