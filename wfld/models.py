"""Imports every domain's models so Alembic and the mapper registry see them all."""

from wfld.accounts.models import AuditEvent, SignInAttempt, User, UserRole, UserSession
from wfld.catalogue.models import (
    Booking,
    CertificateFile,
    Completion,
    LearningActivity,
    LearningSession,
)
from wfld.core.jobs_models import Job
from wfld.cpd.models import CpdComment, CpdEntry, CpdEntryVersion, CpdEvidence, CpdProfile
from wfld.frameworks.models import (
    CrosswalkLink,
    Framework,
    FrameworkItem,
    FrameworkLevel,
    FrameworkVersion,
    RoleExpectedLevel,
)
from wfld.learning.models import Pathway, PathwayAssignment, PathwayRequirement
from wfld.organisation.models import JobRole, ServiceArea, StaffMember, Team
from wfld.programmes.models import (
    AssessorCapacity,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    Evidence,
    Milestone,
    MilestoneEvent,
    Outcome,
    ProgrammeTemplate,
    SelfAssessmentScore,
    WorkloadMonth,
)
from wfld.supervision.models import SupervisionRecord

__all__ = [
    "AssessorCapacity",
    "Cohort",
    "Enrolment",
    "EnrolmentEvent",
    "Evidence",
    "Milestone",
    "MilestoneEvent",
    "Outcome",
    "ProgrammeTemplate",
    "SelfAssessmentScore",
    "SupervisionRecord",
    "WorkloadMonth",
    "Job",
    "CpdComment",
    "CpdEntry",
    "CpdEntryVersion",
    "CpdEvidence",
    "CpdProfile",
    "Booking",
    "CertificateFile",
    "Completion",
    "LearningActivity",
    "LearningSession",
    "Pathway",
    "PathwayAssignment",
    "PathwayRequirement",
    "CrosswalkLink",
    "Framework",
    "FrameworkItem",
    "FrameworkLevel",
    "FrameworkVersion",
    "RoleExpectedLevel",
    "AuditEvent",
    "JobRole",
    "ServiceArea",
    "SignInAttempt",
    "StaffMember",
    "Team",
    "User",
    "UserRole",
    "UserSession",
]
