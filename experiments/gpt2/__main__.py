"""``python experiments/gpt2 ...`` (or ``python -m gpt2`` from ``experiments/``)."""

import os
import sys

if not __package__:  # run as a directory: make the package importable by name
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from gpt2 import main  # noqa: E402

main()
