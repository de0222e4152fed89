"""FastAPI service: /ask, /search, versions and admin routes."""
