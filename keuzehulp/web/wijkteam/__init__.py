"""Pages for wijkteams: the start page, asking a consultatie, voorkeuren of inwoners."""
