"""Aggregators, disclosure control and the published report."""
