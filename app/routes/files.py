"""Answering with a file to download."""

import os
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
}
# Bytes read from a file and sent at a time.
PIECE = 64 * 1024


def attachment(content: bytes, filename: str, plain: str, *, inline: bool = False) -> Response:
    """A download with its (Chinese) file name encoded as RFC 6266 asks, and its ``plain``
    ASCII name (app.domain.downloads) for downloaders that read no other; ``inline`` files
    open in the browser (an image to keep or pass on, a PDF to print)."""
    headers = _headers(filename, plain, inline=inline)
    return Response(content, media_type=_media_type(filename), headers=headers)


def file_attachment(file: IO[bytes], filename: str, plain: str) -> StreamingResponse:
    """A download sent from an open (temporary) file piece by piece, so that a large one never
    sits in memory whole; the file is closed once sent."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    headers = {**_headers(filename, plain, inline=False), "Content-Length": str(size)}
    return StreamingResponse(_pieces(file), media_type=_media_type(filename), headers=headers)


def _pieces(file: IO[bytes]) -> Iterator[bytes]:
    with file:
        while piece := file.read(PIECE):
            yield piece


def _media_type(filename: str) -> str:
    return MEDIA_TYPES[filename.rsplit(".", 1)[-1]]


def _headers(filename: str, plain: str, *, inline: bool) -> dict[str, str]:
    how = "inline" if inline else "attachment"
    disposition = f"{how}; filename={plain}; filename*=UTF-8''{quote(filename)}"
    return {"Content-Disposition": disposition, "Cache-Control": "no-store"}
