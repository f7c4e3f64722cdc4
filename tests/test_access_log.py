"""Searches carry names and ID numbers: the access log keeps the path without the query."""

import logging

from app.core.access_log import WithoutQueryStrings


def test_the_access_log_drops_query_strings():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/households?q=53040219800101123X", "1.1", 200),
        None,
    )
    assert WithoutQueryStrings().filter(record)
    assert "5304021980" not in record.getMessage()
    assert "/households" in record.getMessage()
