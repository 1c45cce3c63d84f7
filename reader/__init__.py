"""Corpus Reader: read one story across languages."""

__version__ = "0.1.0"
