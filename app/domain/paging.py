"""Cutting a long list into pages of a fixed size, or into batches a statement can name."""

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def page_count(total: int, size: int) -> int:
    """Pages for ``total`` rows; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


def page_within(total: int, page: int, size: int) -> tuple[int, int]:
    """The page asked for, kept between the first and the last, and the number of pages."""
    pages = page_count(total, size)
    return min(max(page, 1), pages), pages


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """The items in order, ``size`` at a time: a statement binds only so many values."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
