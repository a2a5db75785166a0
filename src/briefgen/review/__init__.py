"""Reviewing a change to a brief: what changed between two versions, for whom."""
