"""Search: the Whoosh index as a projection of the database, with exact filters and facets."""
