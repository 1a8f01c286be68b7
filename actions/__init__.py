"""Rasa SDK custom actions: read the tracker, ask `knowledge/` or `eligibility/`, format the answer."""
