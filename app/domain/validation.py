"""Form validation results shared by the services: messages are msgids, translated when shown."""

from dataclasses import dataclass, field

from app.core.i18n import Message


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
