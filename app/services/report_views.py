"""A report as people read it: its title, its tables (the page, the xlsx export and the drawn
image all read the same columns), and its image and PDF, drawn once per language and kept."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.core import clock, i18n
from app.core.i18n import N_, Gettext, Message
from app.domain.codes import Metric, ReportStatus
from app.domain.downloads import plain_file_name, unit_code
from app.domain.metrics import Period
from app.domain.reports import QUALITY_LABELS, Mark, Quality
from app.labels import WORK_FIGURES
from app.models import Region, Report, ReportDocument
from app.services import dashboard, report_documents
from app.services.dashboard import Column, DataTable, Kind

TITLE = N_("%(region)s vanguard teams: progress report")
MARK_LABELS = {
    Mark.top: N_("Top"),
    Mark.most_improved: N_("Most improved"),
    Mark.bottom: N_("Bottom"),
}
METHOD = (
    N_(
        "Ranked by the mean of each unit's places over the measures it has figures for: each "
        "target's completion (actual ÷ target) and three measures of the work's quality. Raw "
        "counts never rank a unit."
    ),
    N_(
        "Three ones complete: eligible people with all three ones at the period's end. Follow-ups "
        "on time: follow-ups due in the period done by their day. Changes per 100 households "
        "worked: enrolment changes confirmed in the period per hundred households visited in it."
    ),
    N_("Demonstration townships are ranked among themselves. A dash: no figure to rank by."),
)
# The counts behind the measures: the shared figures under their one label (labels.py).
COUNTS = (
    (WORK_FIGURES["eligible_people"].label, "eligible_people"),
    (WORK_FIGURES["people_contacted"].label, "people_contacted"),
    (WORK_FIGURES["three_ones_complete"].label, "three_ones_complete"),
    (N_("Follow-ups due"), "follow_ups_due"),
    (N_("Follow-ups done on time"), "follow_ups_on_time"),
    (N_("Households worked"), "households_worked"),
    (WORK_FIGURES["enrolment_changes_confirmed"].label, "changes_confirmed"),
)


def period_of(report: Report) -> Period:
    return Period(report.period_start, report.period_end)


def period_name(report: Report, locale: str) -> str:
    return i18n.period_name(report.period_start, period_of(report).is_year, locale)


def previous_period(session: Session, report: Report, locale: str) -> str | None:
    """The period of the report places gained are counted from, if there was one."""
    previous = session.get(Report, report.previous_id) if report.previous_id else None
    return period_name(previous, locale) if previous else None


def title(session: Session, report: Report) -> Message:
    return Message(TITLE, {"region": session.get(Region, report.region_id).name})


def file_names(session: Session, report: Report, format: str, locale: str) -> tuple[str, str]:
    """The report's file name in the reader's language and its plain twin (the unit's code, the
    period and whether it is a month's or a year's), the same from the pages and the API."""
    _ = i18n.gettext_for(locale)
    region = session.get(Region, report.region_id)
    period = period_of(report)
    shown = f"{_(title(session, report))} {period_name(report, locale)}.{format}"
    kind = "yearly" if period.is_year else "monthly"
    unit = unit_code(region.code, region.id)
    return shown, plain_file_name("report", unit, period.name, kind, suffix=format)


@dataclass(frozen=True)
class Entry:
    """A report as the archive lists it."""

    report: Report
    title: Message
    period: str


def entries(session: Session, found: list[Report], locale: str) -> list[Entry]:
    return [Entry(r, title(session, r), period_name(r, locale)) for r in found]


# --- the columns -----------------------------------------------------------------------------


def _percent(ratio: float | None) -> Decimal | None:
    return None if ratio is None else (Decimal(str(ratio)) * 100).quantize(Decimal("0.1"))


def _improvement(row: dict) -> str | None:
    gained = row["improved_since_last"]
    return None if gained is None else f"{gained:+d}" if gained else "0"


def _marks(row: dict) -> Message | str:
    found = [Message(MARK_LABELS[Mark(mark)], {}) for mark in row["marks"]]
    if not found:
        return ""
    return (
        found[0]
        if len(found) == 1
        else Message(N_("%(first)s, %(second)s"), {"first": found[0], "second": found[1]})
    )


def columns(report: Report) -> list[Column]:
    """Place and unit, each target's completion the rows have, the quality measures, places
    gained and marks; the counts behind the figures and the group in the export only."""
    metrics = [m for m in Metric if any(str(m) in row["completion"] for row in report.rows)]
    found = [
        Column(N_("Place"), lambda row: row["rank"], Kind.count),
        Column(N_("Unit"), lambda row: row["name"], Kind.text),
    ]
    found += [
        Column(
            Message(
                N_("%(metric)s: progress (%%)"), {"metric": Message(dashboard.SHORT_METRICS[m], {})}
            ),
            lambda row, m=m: _percent(row["completion"].get(str(m))),
            Kind.percent,
        )
        for m in metrics
    ]
    found += [
        Column(
            Message(N_("%(measure)s (%%)"), {"measure": Message(QUALITY_LABELS[q], {})}),
            lambda row, q=q: _percent(row["quality"][q]),
            Kind.percent,
        )
        for q in (Quality.three_ones, Quality.follow_ups_on_time)
    ]
    found += [
        Column(
            QUALITY_LABELS[Quality.changes_per_hundred],
            lambda row: row["quality"][Quality.changes_per_hundred],
            Kind.count,
        ),
        Column(N_("Places gained"), _improvement, Kind.text),
        Column(N_("Note"), _marks, Kind.label),
        Column(
            N_("Group"),
            lambda row: N_("Demonstration township") if row["demonstration"] else "",
            Kind.label,
            on_page=False,
        ),
    ]
    found += [
        # .get: a report computed before people_contacted was kept has no such count
        Column(heading, lambda row, name=name: row["counts"].get(name), Kind.count, on_page=False)
        for heading, name in COUNTS
    ]
    return found


def tables(report: Report) -> list[DataTable]:
    """The units, then the demonstration townships apart (when there are any)."""
    shown = columns(report)
    regular = [row for row in report.rows if not row["demonstration"]]
    apart = [row for row in report.rows if row["demonstration"]]
    found = [DataTable(N_("Ranking"), shown, regular)]
    if apart:
        found.append(DataTable(N_("Demonstration townships"), shown, apart))
    return found


def export(report: Report, _: Gettext) -> tuple[list[str], list[list[Any]]]:
    return dashboard.export_rows(DataTable(N_("Ranking"), columns(report), report.rows), _)


# --- the image and the PDF ---------------------------------------------------------------------


def _text(column: Column, row: dict, _: Gettext, locale: str) -> str:
    value = column.value(row)
    if value is None:
        return "—"
    if isinstance(value, int | float | Decimal):
        return i18n.number(value, locale)
    translated = isinstance(value, Message) or (column.kind == Kind.label and value)
    return _(value) if translated else value


def _emphasis(row: dict) -> str:
    for mark in (Mark.top, Mark.bottom, Mark.most_improved):
        if mark in row["marks"]:
            return "improved" if mark == Mark.most_improved else str(mark)
    return ""


def sheet(session: Session, report: Report, locale: str) -> report_documents.Sheet:
    _ = i18n.gettext_for(locale)
    published = clock.local(report.published_at).date()
    subtitle = _(
        N_("%(period)s · published %(day)s"),
        period=period_name(report, locale),
        day=i18n.long_date(published, locale),
    )
    drawn = []
    for table in tables(report):
        shown = table.page_columns
        drawn.append(
            report_documents.SheetTable(
                heading=_(table.title),
                header=[_(column.heading) for column in shown],
                rows=[[_text(c, row, _, locale) for c in shown] for row in table.rows],
                emphasis=[_emphasis(row) for row in table.rows],
            )
        )
    notes = [_(note) for note in METHOD]
    return report_documents.Sheet(_(title(session, report)), subtitle, drawn, notes)


def document(session: Session, report: Report, format: str, locale: str) -> bytes:
    """The published report drawn as ``png`` or ``pdf`` in the language, drawn on the first
    request and kept: the rows never change, so neither does the drawing."""
    if report.status != ReportStatus.published:
        raise ValueError("only a published report is drawn")
    locale = i18n.supported(locale)
    kept = session.get(ReportDocument, (report.id, format, locale))
    if kept is not None:
        return kept.content
    drawn = sheet(session, report, locale)
    pdf = report_documents.draw_pdf(drawn)
    content = pdf if format == "pdf" else report_documents.draw_png(pdf, drawn.title)
    session.add(
        ReportDocument(
            report_id=report.id,
            format=format,
            locale=locale,
            content=content,
            created_at=clock.now(),
        )
    )
    try:
        session.commit()
    except IntegrityError:  # drawn at the same moment by another request: the same drawing
        session.rollback()
    return content
