"""The administrator's commands for an office's PostgreSQL server (python -m desktop_app.server)."""
