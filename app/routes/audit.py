"""The admin's audit log: who did what and when, filtered, paged and exported. Read-only: the
app has no route that changes or removes an audit row."""

from fastapi import Request
from fastapi.responses import RedirectResponse

from app.core import clock
from app.core.db import SessionDep
from app.core.i18n import gettext_for
from app.core.routing import Router
from app.core.templating import render, request_locale
from app.deps import AdminUser
from app.domain.audit import ACTION_LABELS, compact, concerning
from app.domain.downloads import plain_file_name
from app.domain.validation import whole_number
from app.routes.files import file_attachment
from app.services import audit_log, exports

router = Router(prefix="/admin/audit")


@router.get("")
def audit_page(request: Request, session: SessionDep, admin: AdminUser, page: str = "1"):
    filters = audit_log.AuditFilters.from_page(request.query_params)
    results = audit_log.search(session, filters, whole_number(page) or 1)
    context = {
        "results": results,
        "filters": filters,
        "query": request.query_params,
        "actions": {a: ACTION_LABELS.get(a, a) for a in audit_log.actions_present(session)},
        "action_labels": ACTION_LABELS,
        "accounts": audit_log.accounts_present(session),
        "compact": compact,
        "codes": audit_log.detail_codes(session, (event.detail for event in results.rows)),
        "concerning": concerning,
        "fits_xlsx": exports.fits_xlsx,
    }
    block = "audit_rows" if request.headers.get("hx-request") else None
    return render(request, "audit/list.html", context, block=block)


@router.get("/export.xlsx")
def export(request: Request, session: SessionDep, admin: AdminUser):
    """The filtered rows as a spreadsheet (the export is recorded too). Rows too many for one
    sheet go back to the list, filters kept, which says why."""
    filters = audit_log.AuditFilters.from_page(request.query_params)
    _ = gettext_for(request_locale(request))
    written = audit_log.spreadsheet(session, filters, by=admin, _=_)
    if written is None:
        return RedirectResponse(f"/admin/audit?{request.url.query}", 303)
    today = clock.today().isoformat()
    plain = plain_file_name("audit-log", today, suffix="xlsx")
    return file_attachment(written, f"审计日志-{today}.xlsx", plain)
