"""Use cases: every write goes through here, in one transaction, with a change-log row."""
