"""Form validation results shared by the services: messages are msgids, translated when shown."""

from dataclasses import dataclass, field

from app.core.i18n import Message


@dataclass
class Invalid(Exception):
    """One message per field that failed (a msgid, or a Message with values); the form is
    shown again with what was typed."""

    errors: dict[str, str | Message] = field(default_factory=dict)
