"""Learning: role pathways and compliance, built on the catalogue."""
