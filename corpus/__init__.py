"""The source reports, byte-identical to the published conversions, and their notes (reports.yaml)."""
