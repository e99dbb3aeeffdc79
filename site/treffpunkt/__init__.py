"""Treffpunkt: the meeting point of a town's integration network."""

__version__ = "0.1.0"
