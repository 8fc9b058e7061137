"""The learning catalogue: activities, sessions, bookings, attendance, completions and
certificates. Below learning (pathways and compliance), which builds on it."""
