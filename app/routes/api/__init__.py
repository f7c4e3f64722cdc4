"""The JSON API under /api/v1 (contract: shared/reference/api.md). Bearer tokens only: the API
never reads the browser's session cookie, so it needs no CSRF token."""

from fastapi import Depends

from app.core.routing import Router
from app.deps import encodable_json
from app.routes.api import (
    accounts,
    audit,
    households,
    imports,
    leaflets,
    metrics,
    pension,
    regions,
    reports,
    visits,
    worklists,
)

router = Router(prefix="/api/v1", dependencies=[Depends(encodable_json)])
router.include_router(accounts.router)
router.include_router(regions.router)
router.include_router(households.router)
router.include_router(imports.router)
router.include_router(pension.router)
router.include_router(worklists.router)
router.include_router(leaflets.router)
router.include_router(visits.router)
router.include_router(metrics.router)
router.include_router(audit.router)
router.include_router(reports.router)
