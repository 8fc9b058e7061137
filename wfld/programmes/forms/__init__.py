"""Forms of programmes, one module per area (as the views)."""
