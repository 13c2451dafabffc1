"""python -m desktop_app.notices CASE.json OUT.pdf: render the notice a rule case calls for (see cli.py)."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
