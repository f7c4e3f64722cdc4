"""A progress report (通报) drawn as one A4 PDF page and a cropped PNG for WeChat groups."""

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from app.core.config import get_settings
from app.services.report_documents import FontMissing, Sheet, SheetTable, draw_pdf, draw_png
from tests.conftest import TEST_KEYS

TITLE = "红塔区社保服务先锋队工作通报"
A4_POINTS = (595, 842)
BLANK_A4_PIXELS = (1240, 1754)  # an A4 page at the image's 150 dpi
UNITS = ("北城街道", "玉兴街道", "凤凰路街道", "春和街道", "小石桥彝族乡")


def sheet_of(rows: int) -> Sheet:
    table = SheetTable(
        heading="示范乡镇（街道）",
        header=["名次", "单位", "三个一完成率", "按时回访率", "每百户确认", "说明"],
        rows=[
            [str(rank), UNITS[rank % len(UNITS)], "95.2%", "80%", "3.1", "较上月上升2名"]
            for rank in range(1, rows + 1)
        ],
        emphasis=["top", "improved", *[""] * (rows - 3), "bottom"],
    )
    notes = ["排名方法：按三个一完成率排序，相同时按按时回访率排序。"]
    return Sheet(TITLE, "2026年11月 · 2026年11月29日发布", [table], notes)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return draw_pdf(sheet_of(15))


@pytest.fixture(scope="module")
def png(pdf) -> Image.Image:
    image = Image.open(io.BytesIO(draw_png(pdf, TITLE)))
    image.load()
    return image


def pages(pdf: bytes) -> list[tuple[tuple[float, float], str]]:
    """Each page's size in points and its text."""
    with pdfium.PdfDocument(pdf) as document:
        return [(page.get_size(), page.get_textpage().get_text_range()) for page in document]


def test_the_pdf_is_one_a4_page_with_the_title_and_the_units(pdf):
    [(size, text)] = pages(pdf)
    assert tuple(round(side) for side in size) == A4_POINTS
    assert TITLE in text
    assert "凤凰路街道" in text


def test_the_pdf_carries_the_title_in_its_metadata(pdf):
    with pdfium.PdfDocument(pdf) as document:
        assert document.get_metadata_dict()["Title"] == TITLE


def test_sixty_rows_still_fit_on_one_page():
    [(size, text)] = pages(draw_pdf(sheet_of(60)))
    assert tuple(round(side) for side in size) == A4_POINTS
    assert "60" in text


def test_the_png_is_the_page_cropped_to_its_content_with_the_title(png):
    assert png.format == "PNG"
    assert png.text["Title"] == TITLE
    assert png.width < BLANK_A4_PIXELS[0]
    assert png.height < BLANK_A4_PIXELS[1]


def test_the_png_shows_dark_text_on_white(png):
    darkest, lightest = png.convert("L").getextrema()
    assert darkest < 80
    assert lightest == 255


@pytest.fixture
def font_setting(monkeypatch):
    """Sets VANGUARD_CJK_FONT for one test; the cached settings are rebuilt on both sides."""
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)

    def use(path: str) -> None:
        monkeypatch.setenv("VANGUARD_CJK_FONT", path)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_a_configured_font_that_is_missing_says_which_setting(font_setting, tmp_path):
    font_setting(str(tmp_path / "missing.ttc"))
    with pytest.raises(FontMissing, match=r"missing\.ttc.*VANGUARD_CJK_FONT"):
        draw_pdf(sheet_of(3))
