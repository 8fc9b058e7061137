"""Learning: the catalogue, sessions and bookings, completions, role pathways and compliance."""
