"""Scheduled sweeps over deadlines stored with the data."""
