"""Curated case files (YAML), shipped as package data; see README.md here."""
