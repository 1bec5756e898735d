"""Dagster definitions for the bubblemeter pipeline (optional: `pip install -e '.[dagster]'`)."""
