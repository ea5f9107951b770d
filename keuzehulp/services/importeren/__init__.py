"""Beheer imports from CSV or XLSX: the contract register and geboekte resultaten.

Each import is planned first (a dry run): what will be added, changed and ended, and every bad
row with its line number and a Dutch reason. Applying requires a plan without bad rows and runs
in one transaction; applying the same file again changes nothing.
"""
