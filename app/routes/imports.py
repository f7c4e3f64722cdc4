"""Importing department lists: upload, dry-run report, commit, progress, and the review queue."""

from typing import Annotated

from fastapi import (
    BackgroundTasks,
    Depends,
    File,
    Form,
    HTTPException,
    Request,
    UploadFile,
)
from fastapi.responses import RedirectResponse
from sqlmodel import select

from app.core.db import SessionDep
from app.core.routing import Router
from app.core.templating import render
from app.deps import found_or_404, require_role
from app.domain.codes import Role
from app.domain.downloads import plain_file_name
from app.domain.imports import MAX_BYTES, UnreadableFile
from app.domain.validation import Invalid
from app.models import ImportJob, ImportReview, User
from app.routes.files import attachment
from app.services import exports, imports, scope

router = Router(prefix="/imports")

Importer = Annotated[User, Depends(require_role(Role.admin, Role.lead))]
Reviewer = Annotated[User, Depends(require_role(Role.admin))]


def job_or_404(session: SessionDep, user: Importer, job_id: int) -> ImportJob:
    return found_or_404(scope.import_job_for(session, user, job_id))


ScopedJob = Annotated[ImportJob, Depends(job_or_404)]


def _jobs(session: SessionDep, user: User) -> list[ImportJob]:
    query = select(ImportJob).order_by(ImportJob.id.desc()).limit(20)
    if user.role != Role.admin:
        query = query.where(ImportJob.created_by_id == user.id)
    return list(session.exec(query))


@router.get("")
def import_page(request: Request, session: SessionDep, user: Importer):
    context = {
        "jobs": _jobs(session, user),
        "reviews": len(imports.pending_reviews(session, user)) if user.role == Role.admin else 0,
    }
    return render(request, "imports/index.html", context)


@router.get("/template.xlsx")
def template(user: Importer):
    plain = plain_file_name("import-template", suffix="xlsx")
    return attachment(exports.import_template(), "导入模板.xlsx", plain)


@router.post("")
def upload(
    request: Request,
    session: SessionDep,
    user: Importer,
    background: BackgroundTasks,
    file: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
):
    content = file.file.read(MAX_BYTES + 1) if file else b""
    try:
        job, table = imports.start(session, file.filename if file else "", content, user, dry_run)
    except UnreadableFile as unreadable:
        context = {"jobs": _jobs(session, user), "reviews": 0, "upload_error": unreadable.message}
        return render(request, "imports/index.html", context, status_code=422)
    return _run(session, job, table, user, background)


def _run(session, job, table, user, background: BackgroundTasks):
    if job.rows <= imports.SYNC_ROWS:
        imports.run(session, job, table, user)
    else:
        background.add_task(imports.run_in_background, job.id, table, user.id)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/reviews")
def review_queue(request: Request, session: SessionDep, user: Reviewer):
    context = {"reviews": imports.pending_reviews(session, user), "errors": {}}
    return render(request, "imports/reviews.html", context)


@router.post("/reviews/{review_id}/{decision}")
def decide(request: Request, session: SessionDep, user: Reviewer, review_id: int, decision: str):
    review = session.get(ImportReview, review_id)
    if review is None or review.status != "pending" or decision not in ("merge", "keep-apart"):
        raise HTTPException(404)
    try:
        (imports.merge if decision == "merge" else imports.keep_apart)(session, review, by=user)
    except Invalid as invalid:
        session.rollback()
        reviews = imports.pending_reviews(session, user)
        context = {"reviews": reviews, "errors": {review.id: invalid.errors["review"]}}
        return render(request, "imports/reviews.html", context, status_code=409)
    return RedirectResponse("/imports/reviews", status_code=303)


@router.get("/{job_id}")
def report(request: Request, user: Importer, job: ScopedJob):
    block = "import_report" if request.headers.get("hx-request") else None
    return render(request, "imports/report.html", {"job": job}, block=block)


@router.post("/{job_id}/commit")
def commit(session: SessionDep, user: Importer, job: ScopedJob, background: BackgroundTasks):
    if not job.dry_run or job.content is None or job.status != "done":
        raise HTTPException(409)
    committed, table = imports.commit_from_dry_run(session, job, user)
    return _run(session, committed, table, user, background)
