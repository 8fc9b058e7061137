"""Continuing professional development: entries, reflections, evidence and regulator readiness."""
