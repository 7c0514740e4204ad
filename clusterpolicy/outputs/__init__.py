"""Formatting for people: labels and translations (more of the output layer follows)."""
