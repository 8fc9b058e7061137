"""Cohort programmes (the ASYE, Step Up, Approach Social Work, the degree apprenticeship, PEPS,
the ECDP): versioned templates, cohorts, enrolments, milestones, evidence and outcomes."""
