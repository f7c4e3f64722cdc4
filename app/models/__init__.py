"""Tables, one module per entity family. Importing this package registers them all."""

from app.domain.codes import (
    HouseholdKind,
    InsuranceStatus,
    Metric,
    RegionLevel,
    Relation,
    Role,
    SubsidyCategory,
)
from app.models.assignment import Assignment, ClaimPool
from app.models.audit import AuditEvent
from app.models.auth import AuthSession, LoginAttempt
from app.models.calculation import Calculation, ParameterEntry
from app.models.household import Household, Person, PersonKeyGroup, PersonSubsidy
from app.models.imports import ImportJob, ImportReview
from app.models.leaflet import Leaflet, LeafletImage, LeafletState, LeafletVersion, ShareLink
from app.models.region import Region, Target
from app.models.report import QualityReview, Report, ReportDocument
from app.models.statistics import OfficialFigure
from app.models.user import Team, TeamMembership, User
from app.models.visit import (
    EnrolmentChange,
    FollowUp,
    FollowUpInterval,
    Outcome,
    Visit,
    VisitPerson,
    VisitStep,
)
from app.models.work_summary import (
    work_cadre_account,
    work_household,
    work_refresh,
    work_village,
    work_village_month,
    work_village_span,
)

__all__ = [
    "Assignment",
    "AuditEvent",
    "AuthSession",
    "Calculation",
    "ClaimPool",
    "EnrolmentChange",
    "FollowUp",
    "FollowUpInterval",
    "Household",
    "HouseholdKind",
    "ImportJob",
    "ImportReview",
    "InsuranceStatus",
    "Leaflet",
    "LeafletImage",
    "LeafletState",
    "LeafletVersion",
    "LoginAttempt",
    "Metric",
    "OfficialFigure",
    "Outcome",
    "ParameterEntry",
    "Person",
    "PersonKeyGroup",
    "PersonSubsidy",
    "QualityReview",
    "Region",
    "RegionLevel",
    "Relation",
    "Report",
    "ReportDocument",
    "Role",
    "ShareLink",
    "SubsidyCategory",
    "Target",
    "Team",
    "TeamMembership",
    "User",
    "Visit",
    "VisitPerson",
    "VisitStep",
    "work_cadre_account",
    "work_household",
    "work_refresh",
    "work_village",
    "work_village_month",
    "work_village_span",
]
