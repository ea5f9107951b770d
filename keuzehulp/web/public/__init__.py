"""Pages for inwoners (and anyone): search, profiles, comparison, the guided questions, voorkeur,
aanmelding and open data."""
