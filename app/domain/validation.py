"""Form validation results shared by the services: messages are msgids, translated when shown."""

import unicodedata
from dataclasses import dataclass, field

from app.core.i18n import N_, Message


@dataclass
class Invalid(Exception):
    """One message per field that failed (a msgid, or a Message with values); the form is
    shown again with what was typed."""

    errors: dict[str, str | Message] = field(default_factory=dict)


LARGEST_ID = 2**31 - 1  # what an INTEGER column holds on every database we run on


def whole_number(text: str | None, largest: int = LARGEST_ID) -> int | None:
    """A typed whole number, or None. ASCII digits only: str.isdigit also accepts ² and ①,
    which int() refuses; and nothing larger than the database stores."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 12 and int(text) <= largest:
        return int(text)
    return None


TOO_LONG = N_("At most %(limit)s characters: this has %(count)s.")


def within(errors: dict, name: str, text: str, limit: int) -> str:
    """The typed text without its outer spaces; longer than its column holds, it is refused
    with the limit named (cutting it would store what nobody typed). A line end counts once, as
    the phone counted it, though a browser sends a textarea's as CRLF."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > limit:
        errors[name] = Message(TOO_LONG, {"limit": limit, "count": len(text)})
    return text


TOO_LONG_TO_SEARCH = N_(
    "A search takes at most %(limit)s characters: this has %(count)s. Shorten it to search."
)


def search_too_long(text: str, limit: int) -> Message | None:
    """What a typed search longer than the limit says. It is kept as typed and finds nothing:
    cut, it would look for what nobody typed."""
    if len(text) > limit:
        return Message(TOO_LONG_TO_SEARCH, {"limit": limit, "count": len(text)})
    return None


NOT_A_NAME = N_("A name cannot hold emoji or symbols: remove %(characters)s.")
# A name is letters of any script, with the digits, brackets and dots departments' lists write
# in it (阿依古丽·买买提, 张三（户主）); emoji, symbols and invisible or unassigned characters
# are refused: they print as nothing, or as boxes, on the next phone or notice.
REFUSED_IN_NAMES = ("S", "C", "Me", "Zl", "Zp")
INVISIBLE = {"Mn", "Me", "Cf", "Cc", "Cn", "Zs", "Zl", "Zp"}
EMOJI_SELECTORS = frozenset("\ufe0e\ufe0f")  # marks by category, but they make a picture


def person_name(errors: dict, name: str, text: str, limit: int) -> str:
    """A name as typed: within its column, and no emoji or symbols; 生僻字 from every CJK
    extension plane are letters like any other."""
    text = within(errors, name, text, limit)
    refused = refused_in_name(text)
    if refused and name not in errors:
        errors[name] = Message(NOT_A_NAME, {"characters": "、".join(_shown(refused))})
    return text


def refused_in_name(text: str) -> list[str]:
    """The characters a name cannot hold, each once, in the order typed."""
    return list(dict.fromkeys(char for char in text if not _in_name(char)))


def _shown(characters: list[str]) -> list[str]:
    """The ones a reader can see; a joiner or selector (part of an emoji) by its code point only
    when nothing else is refused."""
    visible = [c for c in characters if unicodedata.category(c) not in INVISIBLE]
    return visible or [f"U+{ord(c):04X}" for c in characters]


def _in_name(char: str) -> bool:
    if 0x20000 <= ord(char) <= 0x3FFFF:
        # Planes 2 and 3 hold only CJK ideographs, newer extensions than unicodedata knows too.
        return True
    category = unicodedata.category(char)
    return not category.startswith(REFUSED_IN_NAMES) and char not in EMOJI_SELECTORS
