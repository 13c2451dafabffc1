"""SQLite storage through sqlite-utils: one file per office, every write one transaction with its audit entry."""
