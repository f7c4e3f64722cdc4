"""Form validation results shared by the services: messages are msgids, translated when shown."""

from dataclasses import dataclass, field


@dataclass
class Invalid(Exception):
    """One message per field that failed; the form is shown again with what was typed."""

    errors: dict[str, str] = field(default_factory=dict)
