"""The read side: every SELECT the pages, the API and the exports need, as named functions.

Handlers in `web/` call these (and `services/` for writes); they hold no SQL of their own."""
