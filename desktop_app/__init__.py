"""灵活就业参保经办台: counter application for flexible workers' employee medical insurance."""

__version__ = "0.1.0"
