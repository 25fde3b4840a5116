"""The coverage table of ``jaxscope.compat.v1``: ``python -m jaxscope.compat.coverage`` writes
``docs/COMPAT.md``, every public name classified exact / differs / refused from the code (a
docstring paragraph starting "Differs from TF1:" makes a name *differ*)."""

import sys

from jaxscope._src.compat.coverage import DIFFERS as DIFFERS
from jaxscope._src.compat.coverage import Entry as Entry
from jaxscope._src.compat.coverage import Table as Table
from jaxscope._src.compat.coverage import collect as collect
from jaxscope._src.compat.coverage import main as main
from jaxscope._src.compat.coverage import render as render

__all__ = ["DIFFERS", "Entry", "Table", "collect", "main", "render"]

if __name__ == "__main__":
    sys.exit(main())
