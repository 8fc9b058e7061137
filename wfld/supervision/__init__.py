"""Supervision records for everyone (not only newly qualified staff): when, with whom, what kind
and how long, kept by the supervisor for their supervisees; a session can become a CPD entry."""
