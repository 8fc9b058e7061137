"""The home page ("what needs my attention") and the health check."""
