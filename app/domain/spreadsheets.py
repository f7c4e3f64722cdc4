"""Cells safe to open: a text that Excel, WPS or LibreOffice would take for a formula (or a
command, OWASP's "CSV injection") is written as text, and imports read it back as it was."""

# A cell beginning with one of these may run as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
# The spreadsheets' own mark of "text as typed": shown in a CSV, taken off by imports.
QUOTE = "'"
_WORTH_A_LOOK = FORMULA_STARTS | {QUOTE}


def formula_like(value: object) -> bool:
    """Whether a spreadsheet could take the value for a formula. Quotes in front count too,
    so that a text which begins with the quote itself also comes back whole."""
    return (
        isinstance(value, str)
        and value[:1] in _WORTH_A_LOOK  # most cells stop here: an export has millions
        and value.lstrip(QUOTE)[:1] in FORMULA_STARTS
    )


def safe_cell(value: object) -> object:
    """The value as a CSV cell: a formula-like text behind a quote, which keeps it text;
    numbers (negative ones too) and other texts as they are."""
    return QUOTE + value if formula_like(value) else value


def marked_text(text: str) -> str:
    """A formula-like text as an .xlsx cell marked as text (quotePrefix, what Excel stores for
    a typed '=…) holds it: as it is, shown as typed and never a formula; one that begins with
    the quote gets one more, since imports cannot see the mark and take one off."""
    return QUOTE + text if text.startswith(QUOTE) else text


def unquoted(text: str) -> str:
    """A cell as imports read it: the quote safe_cell put in front taken off, so that an
    exported list imports back unchanged."""
    return text[1:] if text.startswith(QUOTE) and formula_like(text[1:]) else text
