"""What the search layer tells its callers when the index cannot answer."""


class IndexUnavailable(Exception):
    """The index files cannot be read right now; it is rebuilt from the database meanwhile."""
