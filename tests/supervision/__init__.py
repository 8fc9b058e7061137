"""Supervision records: recording, who sees and changes them, and turning one into CPD."""
