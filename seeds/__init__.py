"""Seed data: a small demo editorial office and a large deterministic benchmark set."""
