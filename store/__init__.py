"""Persistence: tables, repositories, unit of work, migrations, state, dedupe and locks."""
