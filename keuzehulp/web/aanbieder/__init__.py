"""Pages for aanbieders: their profile, its history and their inbox."""
