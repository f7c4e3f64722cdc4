"""Languages: Simplified Chinese by default, English second. Messages are English msgids
translated through the Babel catalogs under app/translations (compiled at install)."""

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from app.core.config import get_settings

DEFAULT_LOCALE = "zh_CN"
LOCALES = {"zh_CN": "中文", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"


class Message(NamedTuple):
    """A msgid with the values for its %(name)s placeholders, translated where it is shown
    (values that are Messages themselves are translated too)."""

    text: str
    values: dict[str, object]


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def extract_parameter_texts(fileobj, keywords, comment_tags, options):
    """Babel extractor (babel.cfg) for parameters.json: the shipped series' descriptions and
    units, and their figures' sources and notes, are msgids the parameter page translates."""
    data = json.load(fileobj)
    for series in data["series"].values():
        texts = [series["description"], series.get("unit", "")]
        for entry in series["entries"]:
            texts += [entry["source"], entry.get("note", "")]
        yield from ((0, None, text, []) for text in texts if text)


def supported(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


@lru_cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(TRANSLATIONS_DIR, [locale])


Gettext = Callable[..., str]


def gettext_for(locale: str) -> Gettext:
    """A ``_`` that translates and then fills %(name)s placeholders from keywords (or takes a
    Message that carries its own values)."""
    gettext = translations(supported(locale)).gettext

    def _(message: str | Message, **values: object) -> str:
        if isinstance(message, Message):
            message, values = message.text, {**message.values, **values}
        if not values:  # most calls: a page's labels
            return gettext(message)
        filled = {k: _(v) if isinstance(v, Message) else v for k, v in values.items()}
        return gettext(message) % filled

    return _


def money(value: Decimal | float | int, locale: str) -> str:
    return format_currency(value, "CNY", locale=supported(locale))


def number(value: Decimal | float | int, locale: str) -> str:
    return format_decimal(value, locale=supported(locale))


@lru_cache(maxsize=4096)
def long_date(value: date, locale: str) -> str:
    """Kept once formatted: Babel takes tens of microseconds a date, and a worklist shows the
    same few weeks of dates over and over."""
    return format_date(value, "long", locale=supported(locale))


@lru_cache(maxsize=4096)
def month_day(value: date, locale: str) -> str:
    """A date within a few months of today, short for a worklist row (12月14日, Dec 14)."""
    return format_skeleton("MMMd", value, locale=supported(locale))


def period_name(first: date, whole_year: bool, locale: str) -> str:
    """A calendar month (2026年11月, November 2026) or a whole year (2026年, 2026)."""
    return format_skeleton("y" if whole_year else "yMMMM", first, locale=supported(locale))


def short_datetime(value: datetime, locale: str) -> str:
    """A moment shown in business time."""
    return format_datetime(value, "short", tzinfo=get_settings().zone, locale=supported(locale))
