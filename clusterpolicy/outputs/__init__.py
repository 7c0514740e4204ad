"""Formatting, figures, reports, files and provenance."""
