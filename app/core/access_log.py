"""The server's access log without query strings: searches carry names and ID numbers, and
personal data has no business in log files."""

import logging
from copy import deepcopy

from uvicorn.config import LOGGING_CONFIG


class WithoutQueryStrings(logging.Filter):
    """uvicorn logs (client, method, path with query, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def logging_config() -> dict:
    """uvicorn's logging set-up with the filter on its access log. It is handed to uvicorn,
    which applies it in every worker process it starts."""
    config = deepcopy(LOGGING_CONFIG)
    # Which worker process answered: several share the port.
    config["formatters"]["access"]["fmt"] = (
        '%(levelprefix)s [%(process)d] %(client_addr)s - "%(request_line)s" %(status_code)s'
    )
    config["filters"] = {"without_query_strings": {"()": WithoutQueryStrings}}
    config["handlers"]["access"]["filters"] = ["without_query_strings"]
    return config
