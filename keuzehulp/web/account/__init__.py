"""Signing in and out, the second step, setting and resetting a password."""
