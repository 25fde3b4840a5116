"""``python -m jaxscope.verify FILE.py:FUNCTION --input SPEC``: see ``--help``."""

from jaxscope._src.verify.cli import main

raise SystemExit(main())
