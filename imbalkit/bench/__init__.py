"""Bench calculators: high-entropy alloys, solid electrolytes, porous materials."""
