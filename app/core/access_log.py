"""The server's access log without query strings: searches carry names and ID numbers, and
personal data has no business in log files."""

import logging


class WithoutQueryStrings(logging.Filter):
    """uvicorn logs (client, method, path with query, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def strip_query_strings() -> None:
    logging.getLogger("uvicorn.access").addFilter(WithoutQueryStrings())
