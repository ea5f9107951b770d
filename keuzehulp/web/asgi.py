"""ASGI entry point for uvicorn: the app built from environment settings."""

from keuzehulp.config import Settings
from keuzehulp.web.app import create_app

app = create_app(Settings.from_env())
