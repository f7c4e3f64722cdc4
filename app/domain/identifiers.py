"""Identifiers people type: resident ID numbers (居民身份证号码, GB 11643), unified social credit
codes (统一社会信用代码, GB 32100) and phone numbers — checked, normalised and masked.

Messages are msgids (translated where shown) with %(name)s values.
"""

import operator
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from app.core.i18n import N_

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_SPACES_AND_HYPHENS = re.compile(r"[\s-]")
_LEGACY_ID = re.compile(r"\d{15}")
_ID = re.compile(r"\d{17}[\dX]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")
# Province-level codes of GB/T 2260 (incl. Taiwan 71, Hong Kong 81, Macao 82).
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


@dataclass(frozen=True)
class InvalidIdentifier(ValueError):
    message: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdNumber:
    number: str  # always the 18-character form, upper-case X
    birth_date: date
    sex: str  # "M" or "F"
    known_region: bool  # False: a code found in no edition of GB/T 2260 (flag, never reject)

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError("check_character needs the first 17 digits")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARACTERS[total % 11]


def parse_id_number(text: str, today: date) -> IdNumber:
    """Check a typed ID number part by part; 15-digit legacy numbers become 18 digits.

    The address code says where the number was issued and codes change as divisions are
    reorganised, so any province is accepted and an unknown county code is only flagged."""
    raw = _SPACES_AND_HYPHENS.sub("", text or "").upper()
    if not raw:
        raise InvalidIdentifier(N_("Enter the ID number."))
    if _LEGACY_ID.fullmatch(raw):
        raw = _from_legacy(raw)
    elif not _ID.fullmatch(raw):
        raise InvalidIdentifier(
            N_("An ID number has 18 characters (old ones 15): digits, the last may be X.")
        )
    if raw[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            N_("The first two digits %(code)s are not a province code."), {"code": raw[:2]}
        )
    birth = _birth_date(raw[6:14], today)
    if raw[17] != check_character(raw[:17]):
        raise InvalidIdentifier(
            N_("The check digit (the last character) does not match: check each digit.")
        )
    sex = "M" if int(raw[16]) % 2 else "F"
    return IdNumber(raw, birth, sex, known_region=_known_county(raw[:6]))


def _from_legacy(raw15: str) -> str:
    first17 = f"{raw15[:6]}19{raw15[6:]}"
    return first17 + check_character(first17)


def _birth_date(digits: str, today: date) -> date:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdentifier(
            N_("The birth date %(date)s in the number is not a real date."), {"date": shown}
        ) from None
    if born > today:
        raise InvalidIdentifier(
            N_("The birth date %(date)s in the number is in the future."), {"date": shown}
        )
    if born.year < 1900:
        raise InvalidIdentifier(
            N_("The birth date %(date)s in the number is before 1900."), {"date": shown}
        )
    return born


@lru_cache(maxsize=8192)
def _known_county(code: str) -> bool:
    """Whether any edition of GB/T 2260 (as python-stdnum's table holds them) has the code."""
    return any("county" in info for _part, info in numdb.get("cn/loc").info(code)[1:])


def mask_id_number(number: str) -> str:
    """The first 6 and last 4 characters: 530402********123X."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def parse_credit_code(text: str) -> str:
    code = _SPACES_AND_HYPHENS.sub("", text or "").upper()
    try:
        return uscc.validate(code)
    except ValidationError:
        raise InvalidIdentifier(
            N_("A unified social credit code has 18 characters and a matching check character.")
        ) from None


def parse_phone(text: str) -> str:
    """A mainland mobile (11 digits from 13–19) or a landline with its area code, stored as
    digits with a hyphen after the area code: 13812345678, 0877-2051234."""
    digits = _SPACES_AND_HYPHENS.sub("", text or "")
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise InvalidIdentifier(
        N_("Enter an 11-digit mobile number or a landline with its area code, e.g. 0877-2051234.")
    )


def mask_phone(phone: str) -> str:
    """Mobiles keep the first 3 and last 4 digits (138****5678); landlines their area code and
    last 4 digits (0877-***1234)."""
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return f"{phone[:3]}****{phone[-4:]}"
