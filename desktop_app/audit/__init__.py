"""Audit chain check from the command line: python -m desktop_app.audit verify DATABASE."""
