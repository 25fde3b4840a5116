"""``python -m jaxscope.checkpoint ls|show|diff|convert PATH``: see ``--help``."""

from jaxscope._src.checkpoint.cli import main

raise SystemExit(main())
