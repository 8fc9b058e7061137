"""Appraisal conversations, individual development plans and team development plans."""
