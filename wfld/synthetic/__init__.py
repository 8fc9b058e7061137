"""A deterministic large synthetic council for measuring speed (`flask seed synthetic`).

Each domain has its own generator (``wfld/<domain>/synthetic.py``); ``council.py`` runs them
in order. Same ``--staff`` and ``--seed``, same data. Never loaded in production.

The benchmark and the load test sign in as these fixed accounts; every synthetic person
has an account with the same password.
"""

from __future__ import annotations

DOMAIN = "synthetic.example"
PASSWORD = "synthetic-council-2026"  # noqa: S105 - fictional data, refused in production

# persona -> email. The practitioner is the heavy CPD user (400 entries over ten years);
# the line manager's chain below them is about 50 people (the "team compliance" scenario).
PERSONAS = {
    "practitioner": f"practitioner@{DOMAIN}",
    "nqsw": f"nqsw@{DOMAIN}",
    "line_manager": f"team.manager@{DOMAIN}",
    "wfld_admin": f"wfld.admin@{DOMAIN}",
    "senior_manager": f"senior.manager@{DOMAIN}",
    "system_admin": f"system.admin@{DOMAIN}",
}
HEAVY_CPD_ENTRIES = 400
