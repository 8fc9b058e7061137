"""Organisation: service areas, teams, job roles and staff, and the permission policy."""
