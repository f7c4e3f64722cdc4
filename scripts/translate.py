"""Fill empty entries of the zh_CN catalog from a Python file defining ZH = {msgid: msgstr}:
`python scripts/translate.py new-strings.py`. Existing translations are never overwritten."""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parents[1] / "app/translations/zh_CN/LC_MESSAGES/messages.po"


def main(source: str) -> None:
    translations = runpy.run_path(source)["ZH"]
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and not message.string and message.id in translations:
            message.string = translations[message.id]
    missing = [m.id for m in catalog if m.id and not m.string]
    with CATALOG.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True)
    print("\n".join(f"untranslated: {m!r}" for m in missing) or "every message translated")


if __name__ == "__main__":
    main(sys.argv[1])
