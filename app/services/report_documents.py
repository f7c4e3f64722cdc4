"""A progress report (通报) drawn as one A4 PDF page and one PNG for WeChat group chats.

The caller ranks, formats and translates; this module only draws. fpdf2 lays the page out in
a CJK font (the PDF core fonts have no Chinese glyphs) and pypdfium2 renders that very page to
the image, so the PDF and the picture shared in the chat never disagree.
"""

import bisect
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
from fpdf import FPDF, FontFace
from PIL import Image, PngImagePlugin

from app.core.config import get_settings
from app.core.i18n import N_

# Debian's fonts-noto-cjk; face 2 of these collections is Simplified Chinese (JP, KR, SC, TC, HK).
DEBIAN_NOTO = Path("/usr/share/fonts/opentype/noto")
NOTO_SC_FACE = 2
FAMILY = "cjk"

# Body text from 11 pt down to 7 pt, the smallest still comfortable to read zoomed in on a phone
# or printed; rows roomy, tight or packed (padding as a share of the text height). The largest
# text that fits wins, then the roomiest rows at that size.
BODY_SIZES_PT = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
ROW_PADDINGS = (0.3, 0.1, 0.0)
A4_WIDTH_MM = 210.0


class _Scale(NamedTuple):
    """Ordered as preferred: a larger size first, then roomier rows."""

    size: float
    row_padding: float


ROOMIEST = _Scale(BODY_SIZES_PT[0], ROW_PADDINGS[0])

MARGIN_MM = 10.0
MIN_CONTENT_MM = 90.0
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (190, 197, 206)
ACCENT = (178, 34, 34)  # the red rule under the title, as on printed 通报
HEADER_FILL = (226, 232, 240)
TINTS = {"bottom": (252, 231, 229), "improved": (226, 243, 231)}

RENDER_DPI = 150
CROP_MARGIN_PX = 30
# A number such as 1, 1,234, 95.2%, +3.1, or the dash that stands in for one.
_NUMERIC = re.compile(r"[+\-−±]?\d[\d,]*(?:\.\d+)?\s*[%‰]?|[-—–]")
# PDFium is not thread-safe, not even across documents; pages render one at a time.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class SheetTable:
    heading: str
    header: list[str]
    rows: list[list[str]]
    emphasis: list[str]  # per row: "" | "top" (bold) | "bottom" | "improved" (light tints)


@dataclass(frozen=True)
class Sheet:
    title: str
    subtitle: str
    tables: list[SheetTable]
    notes: list[str]


class CannotDraw(Exception):
    """The sheet cannot be drawn here; ``message`` says so to the reader (a msgid)."""

    message = N_("This report cannot be drawn as an image or PDF: use the spreadsheet.")


class FontMissing(CannotDraw):
    """No font with Chinese glyphs: reports cannot be drawn without one."""

    message = N_(
        "The server has no Chinese font to draw reports with: ask the administrator to "
        "install fonts-noto-cjk."
    )


class TooLong(CannotDraw):
    """More rows than one A4 page holds at the smallest readable size."""


def draw_pdf(sheet: Sheet) -> bytes:
    """One A4 page, portrait unless the columns need landscape, the text shrunk as far as needed
    (down to 7 pt) so that every row fits; a sheet too long even then is a ValueError."""
    pdf = _document(sheet.title)
    if _fits(pdf, sheet, "P", ROOMIEST) and not _wraps_in_portrait(pdf, sheet, ROOMIEST):
        return bytes(pdf.output())  # the usual sheet: the first try is the page
    # The tries are further pages of that document, a scratch pad now; the page starts afresh.
    orientation, scale = _layout(pdf, sheet)
    pdf = _document(sheet.title)
    pdf.add_page(orientation=orientation)
    _draw_sheet(pdf, sheet, scale)
    return bytes(pdf.output())


def draw_png(pdf: bytes, title: str) -> bytes:
    """The PDF's page as a PNG cropped to its content, so a chat shows the report, not paper."""
    image = _trimmed(_rendered(pdf))
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", title)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info, optimize=True)
    return output.getvalue()


def _font_files() -> tuple[Path, Path, int]:
    """Regular and bold font files and the face to use in a collection. A configured font's bold
    is its "-Bold" sibling when there is one; otherwise bold text stays regular."""
    settings = get_settings()
    if settings.cjk_font:
        regular = Path(settings.cjk_font)
        index = settings.cjk_font_index
        hint = "VANGUARD_CJK_FONT points at a missing file"
    else:
        regular = DEBIAN_NOTO / "NotoSansCJK-Regular.ttc"
        index = NOTO_SC_FACE
        hint = "install Debian's fonts-noto-cjk or set VANGUARD_CJK_FONT to a .ttc/.otf/.ttf"
    if not regular.is_file():
        raise FontMissing(f"No CJK font at {regular}: {hint}")
    bold = regular.with_name(regular.name.replace("Regular", "Bold"))
    return regular, (bold if bold.is_file() else regular), index


def _document(title: str) -> FPDF:
    """A blank document with the fonts loaded. Loading parses the font files anew each time:
    fpdf2 subsets the parsed font in place when it writes the PDF, so no parse can be shared."""
    regular, bold, index = _font_files()
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.add_font(FAMILY, fname=regular, collection_font_number=index)
    pdf.add_font(FAMILY, style="B", fname=bold, collection_font_number=index)
    pdf.set_title(title)
    return pdf


def _layout(pdf: FPDF, sheet: Sheet) -> tuple[str, _Scale]:
    """Portrait at the largest scale that fits; landscape only when portrait would wrap the
    table cells and landscape fits at least as large."""
    portrait = _fitting_scale(pdf, sheet, "P")
    if portrait is not None and not _wraps_in_portrait(pdf, sheet, portrait):
        return "P", portrait
    landscape = _fitting_scale(pdf, sheet, "L")
    if landscape is None and portrait is None:
        rows = sum(len(table.rows) for table in sheet.tables)
        raise TooLong(f"{rows} rows do not fit on one A4 page at 7 pt")
    if portrait is None or (landscape is not None and landscape >= portrait):
        return "L", landscape
    return "P", portrait


def _fitting_scale(pdf: FPDF, sheet: Sheet, orientation: str) -> _Scale | None:
    """The preferred scale at which the sheet stays on one page (None: not even the smallest):
    the largest size that fits with packed rows, then the roomiest rows at that size."""
    size_index = bisect.bisect_left(
        BODY_SIZES_PT,
        True,
        key=lambda size: _fits(pdf, sheet, orientation, _Scale(size, ROW_PADDINGS[-1])),
    )
    if size_index == len(BODY_SIZES_PT):
        return None
    size = BODY_SIZES_PT[size_index]
    roomy = (p for p in ROW_PADDINGS[:-1] if _fits(pdf, sheet, orientation, _Scale(size, p)))
    return _Scale(size, next(roomy, ROW_PADDINGS[-1]))


def _fits(pdf: FPDF, sheet: Sheet, orientation: str, scale: _Scale) -> bool:
    """Draws the sheet on a new page of pdf: fits when no automatic page break followed. Trying
    in the same document reuses its parsed fonts; copying the document would copy their glyph
    tables, which costs more than the drawing."""
    first_page = pdf.page + 1
    pdf.add_page(orientation=orientation)
    _draw_sheet(pdf, sheet, scale)
    return pdf.page == first_page


def _wraps_in_portrait(pdf: FPDF, sheet: Sheet, scale: _Scale) -> bool:
    return _widest_table(pdf, sheet, scale.size) > A4_WIDTH_MM - 2 * MARGIN_MM


def _widest_table(pdf: FPDF, sheet: Sheet, size: float) -> float:
    return max((sum(_columns(pdf, table, size)[1]) for table in sheet.tables), default=0)


def _content_width(pdf: FPDF, sheet: Sheet, size: float) -> float:
    pdf.set_font(FAMILY, "B", _title_size(size))
    title = pdf.get_string_width(sheet.title) + 2
    widest = max(_widest_table(pdf, sheet, size), title, MIN_CONTENT_MM)
    return min(widest, pdf.w - 2 * MARGIN_MM)


def _title_size(size: float) -> float:
    return size * 1.6


def _draw_sheet(pdf: FPDF, sheet: Sheet, scale: _Scale) -> None:
    """Everything in one centred column as wide as the widest table (or the title): the image is
    cropped to it, and a narrower picture shows larger text on a phone."""
    margin = (pdf.w - _content_width(pdf, sheet, scale.size)) / 2
    pdf.set_margins(margin, MARGIN_MM, margin)
    pdf.set_x(margin)
    _draw_title(pdf, sheet, scale.size)
    for table in sheet.tables:
        _draw_table(pdf, table, scale)
    _draw_notes(pdf, sheet.notes, scale.size)


def _draw_title(pdf: FPDF, sheet: Sheet, size: float) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", _title_size(size))
    pdf.multi_cell(0, pdf.font_size * 1.4, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if sheet.subtitle:
        pdf.set_text_color(*MUTED)
        pdf.set_font(FAMILY, "", size)
        pdf.multi_cell(0, pdf.font_size * 1.6, sheet.subtitle, align="C")
    pdf.ln(1.5)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(size * 0.5)


def _draw_table(pdf: FPDF, table: SheetTable, scale: _Scale) -> None:
    size = scale.size
    headings, widths = _columns(pdf, table, size)
    if table.heading:
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, "B", size * 1.15)
        pdf.multi_cell(0, pdf.font_size * 1.6, table.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", size)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    numeric = _numeric_columns(table)
    with pdf.table(
        width=_table_width(pdf, widths),
        align="LEFT",
        col_widths=widths,
        line_height=pdf.font_size * 1.2,
        padding=(pdf.font_size * scale.row_padding, pdf.font_size * 0.5),
        headings_style=FontFace(emphasis="B", color=INK, fill_color=HEADER_FILL),
        borders_layout="HORIZONTAL_LINES",
        v_align="MIDDLE",
        repeat_headings=0,
    ) as drawn:
        header = drawn.row()
        for text, right in zip(headings, numeric, strict=True):
            header.cell(text, align="RIGHT" if right else "LEFT")
        for cells, emphasis in zip(table.rows, table.emphasis, strict=True):
            row = drawn.row(style=_row_style(emphasis))
            for text in cells:
                row.cell(text, align="RIGHT" if _NUMERIC.fullmatch(text.strip()) else "LEFT")
    pdf.ln(size * 0.6)


def _table_width(pdf: FPDF, widths: list[float]) -> float:
    """A table nearly as wide as the column fills it; a small one keeps its own width rather
    than spreading a few short cells across the page."""
    natural = sum(widths)
    return pdf.epw if natural > pdf.epw * 2 / 3 else natural


def _row_style(emphasis: str) -> FontFace:
    if emphasis == "top":
        return FontFace(emphasis="B", color=INK)
    return FontFace(emphasis="", color=INK, fill_color=TINTS.get(emphasis))


def _numeric_columns(table: SheetTable) -> list[bool]:
    """Columns whose every filled cell is a number: their heading aligns right with them."""
    columns = zip(*table.rows, strict=True) if table.rows else ([] for _ in table.header)
    return [
        any(cell.strip() for cell in column)
        and all(_NUMERIC.fullmatch(cell.strip()) for cell in column if cell.strip())
        for column in columns
    ]


def _columns(pdf: FPDF, table: SheetTable, size: float) -> tuple[list[str], list[float]]:
    """The headings as drawn and each column's width: its widest cell (measured bold, to be
    safe) plus padding. A heading wider than its cells is split onto two even lines, so a
    column of short numbers stays narrow and no heading leaves one character on a line."""
    pdf.set_font(FAMILY, "B", size)
    padding = pdf.font_size + 1
    headings, widths = [], []
    for column, heading in enumerate(table.header):
        body = max((pdf.get_string_width(row[column]) for row in table.rows), default=0)
        if pdf.get_string_width(heading) > max(body, 3 * pdf.font_size):
            heading = _split_in_two(pdf, heading)
        headings.append(heading)
        head = max(pdf.get_string_width(line) for line in heading.split("\n"))
        widths.append(max(body, head) + padding)
    return headings, widths


def _split_in_two(pdf: FPDF, text: str) -> str:
    """Two lines of about equal width, broken at a space when there is one (English), else
    between any two characters (Chinese)."""
    breaks = [i for i, char in enumerate(text) if char == " "] or range(1, len(text))
    if not breaks:
        return text
    best = min(
        breaks,
        key=lambda i: max(pdf.get_string_width(text[:i]), pdf.get_string_width(text[i:].lstrip())),
    )
    return f"{text[:best]}\n{text[best:].lstrip()}"


def _draw_notes(pdf: FPDF, notes: list[str], size: float) -> None:
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, "", max(size * 0.8, 6.0))
    for note in notes:
        pdf.multi_cell(0, pdf.font_size * 1.45, note, new_x="LMARGIN", new_y="NEXT")


def _rendered(pdf: bytes) -> Image.Image:
    with _PDFIUM, pdfium.PdfDocument(pdf) as document:
        return document[0].render(scale=RENDER_DPI / 72).to_pil().copy()


def _trimmed(image: Image.Image) -> Image.Image:
    """The image cut down to its ink plus a small white border."""
    ink = image.convert("L").point(lambda value: 255 if value < 245 else 0).getbbox()
    if ink is None:
        return image
    left, top, right, bottom = ink
    return image.crop(
        (
            max(left - CROP_MARGIN_PX, 0),
            max(top - CROP_MARGIN_PX, 0),
            min(right + CROP_MARGIN_PX, image.width),
            min(bottom + CROP_MARGIN_PX, image.height),
        )
    )
