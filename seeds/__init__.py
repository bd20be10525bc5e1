"""Seed data (the article, the region, geothai areas) and the generators of demo data."""
