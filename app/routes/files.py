"""Answering with a file to download."""

from urllib.parse import quote

from fastapi.responses import Response

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def attachment(content: bytes, filename: str) -> Response:
    """A download with its (Chinese) file name encoded as RFC 6266 asks."""
    suffix = filename.rsplit(".", 1)[-1]
    disposition = f"attachment; filename=download.{suffix}; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=MEDIA_TYPES[suffix],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
