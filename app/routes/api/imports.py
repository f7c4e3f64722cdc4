"""Imports for programs: the same reading, checks and report as the page."""

from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Request,
    UploadFile,
)
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.core.db import SessionDep
from app.core.i18n import Gettext
from app.deps import api_role, found_or_404
from app.domain.codes import Role
from app.domain.imports import MAX_BYTES, UnreadableFile
from app.models import ImportJob, User
from app.routes.api.errors import UnprocessableOut, api_gettext
from app.services import imports, scope

router = APIRouter(tags=["imports"])

ApiImporter = Annotated[User, Depends(api_role(Role.admin, Role.lead))]


class UnreadableOut(BaseModel):
    detail: str = Field(description="Why the file cannot be read, in the caller's language.")


UNREADABLE = {
    422: {
        "model": UnreadableOut | UnprocessableOut,
        "description": "A file that cannot be read, or fields that do not parse.",
    }
}


class RowErrorOut(BaseModel):
    row: int
    column: str
    message: str


class ImportOut(BaseModel):
    id: int
    status: str
    dry_run: bool
    rows: int
    processed: int
    valid: int
    errors: list[RowErrorOut]
    created: int
    updated: int
    to_review: int
    unknown_columns: list[str]

    @classmethod
    def of(cls, job: ImportJob, _: Gettext) -> "ImportOut":
        errors = [
            RowErrorOut(row=e["row"], column=e["column"], message=_(e["message"], **e["values"]))
            for e in job.errors
        ]
        fields = set(cls.model_fields) - {"errors"}
        return cls(errors=errors, **{name: getattr(job, name) for name in fields})


@router.post(
    "/imports", response_model=ImportOut, responses={202: {"model": ImportOut}, **UNREADABLE}
)
def upload(
    request: Request,
    session: SessionDep,
    user: ApiImporter,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = True,
):
    """``file``: .xlsx, or .csv in UTF-8 or GB18030/GBK (detected). Large files answer 202;
    poll ``GET /api/v1/imports/{id}`` until ``status`` is ``done``."""
    _ = api_gettext(request)
    try:
        job, table = imports.start(
            session, file.filename or "", file.file.read(MAX_BYTES + 1), user, dry_run
        )
    except UnreadableFile as unreadable:
        return JSONResponse({"detail": _(unreadable.message)}, status_code=422)
    if job.rows > imports.SYNC_ROWS:
        background.add_task(imports.run_in_background, job.id, table, user.id)
        return JSONResponse(ImportOut.of(job, _).model_dump(), status_code=202)
    imports.run(session, job, table, user)
    return ImportOut.of(job, _)


@router.get("/imports/{import_id}", response_model=ImportOut)
def import_status(request: Request, session: SessionDep, user: ApiImporter, import_id: int):
    job = found_or_404(scope.import_job_for(session, user, import_id))
    return ImportOut.of(job, api_gettext(request))
