"""Competency frameworks: versioned, hierarchical, with levels and a crosswalk between them."""
