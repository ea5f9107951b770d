"""Pages for beheerders: aanbieders, users, imports, aanmeldingen, tarieven, the audit log,
consultaties and the zorglandschap."""
