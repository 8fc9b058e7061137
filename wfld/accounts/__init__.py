"""Accounts: sign-in, sessions, global roles and the append-only audit log."""
