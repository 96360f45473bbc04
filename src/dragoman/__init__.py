"""Dragoman: political event data from French and English news, in the language it was written in."""

__version__ = "0.1.0"
