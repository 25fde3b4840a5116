"""jaxscope's one error hierarchy.

Every class subclasses :class:`JaxscopeError` *and* the builtin that TF1 raised for the same
situation (``ValueError`` for reuse, shape, dtype and name errors, ``TypeError`` for argument types,
``RuntimeError`` for nesting), so ported ``except ValueError:`` blocks keep working. Each message
says what happened, names the full variable name, shows both sides, says where the variable was
first created and gives the fix as code.
"""

from __future__ import annotations

import os


def where(created_at) -> str | None:
    """``file.py:12`` for a (filename, line) pair."""
    if not created_at:
        return None
    return f"{os.path.basename(created_at[0])}:{created_at[1]}"


class JaxscopeError(Exception):
    """Base class of every error jaxscope raises.

    Subclasses ``Exception``; every concrete error also subclasses the builtin TF1 raised
    (``ValueError``, ``TypeError``, ``LookupError``, ``RuntimeError``, ...).
    """
