"""Pages that several audiences share: one consultatie with its thread, and a profile's history."""
