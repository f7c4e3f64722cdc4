"""Long lists are cut into pages; a page asked for beyond either end shows the nearest."""

import pytest

from app.domain.paging import batches, page_count, page_within


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (50, 1), (51, 2), (100, 2)])
def test_pages_for_a_list(total, pages):
    assert page_count(total, 50) == pages


@pytest.mark.parametrize(("asked", "shown"), [(-3, 1), (0, 1), (2, 2), (3, 3), (99, 3)])
def test_a_page_beyond_either_end_shows_the_nearest(asked, shown):
    assert page_within(101, asked, 50) == (shown, 3)


def test_batches_keep_the_order_and_leave_the_rest_for_the_last():
    assert list(batches([5, 1, 4, 2, 3], 2)) == [[5, 1], [4, 2], [3]]
    assert list(batches([], 2)) == []
