"""The JSON API (/api/v1) with its OpenAPI document and its policy (rate limit, versions)."""
