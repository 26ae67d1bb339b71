"""Scoping: the company profile, scope recommendation, carve-outs and vendors."""
