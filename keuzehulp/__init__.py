"""Keuzehulp: find and compare the aanbieders a gemeente has contracted (Twents model)."""
