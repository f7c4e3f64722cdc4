"""Answering with a file to download."""

from urllib.parse import quote

from fastapi.responses import Response

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
}


def attachment(content: bytes, filename: str, *, inline: bool = False) -> Response:
    """A download with its (Chinese) file name encoded as RFC 6266 asks; ``inline`` files
    open in the browser (an image to keep or pass on, a PDF to print)."""
    suffix = filename.rsplit(".", 1)[-1]
    how = "inline" if inline else "attachment"
    disposition = f"{how}; filename=download.{suffix}; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=MEDIA_TYPES[suffix],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
