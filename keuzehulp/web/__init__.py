"""The web app: public pages, JSON API, health checks."""
