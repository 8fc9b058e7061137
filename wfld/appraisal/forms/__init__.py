"""Forms of the appraisal pages, one module per area."""
