"""python -m desktop_app.notices CASE.json OUT.pdf: render the notice a rule case calls for (see cli.py)."""

import sys

from desktop_app.console import utf8_console

from .cli import main

utf8_console()
sys.exit(main(sys.argv[1:]))
