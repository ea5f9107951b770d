"""The rules and reference data that search and services share: the Twents model, the taxonomy,
the change log, validation of typed values and the outcome maths. Imports only `models` and the
base modules (clock, i18n, config, db)."""
