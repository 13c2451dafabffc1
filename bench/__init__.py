"""County-scale benchmark (issue 7): python -m bench [--quick]."""
