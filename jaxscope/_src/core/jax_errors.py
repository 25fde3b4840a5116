"""jax's errors about a variable handle where jax takes only arrays (a ``lax`` loop's carry, a
reduction's initial value), turned into jaxscope's :class:`HandleStructureError` naming the
variables and the line that passed them."""

from __future__ import annotations

import contextlib
import os
import re

import jax

from jaxscope._src import errors
from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import HandleAbstractionError, HandleStructureError
from jaxscope._src.core.variables import Variable

# jax's messages when it compares a handle's tree structure with an array's (the variable's
# name shows where jax printed the tree: see _Meta.__repr__), and the jax function that did.
_STRUCTURE = re.compile(
    r"jaxscope\._src\.core\.variables\.(Partitioned)?Variable|(Partitioned)?Variable\[<"
)
_NAMED = re.compile(r"Variable\[<variable '([^']*)'>\]")
_WHERE = (
    ("init_values", "jax.lax.reduce / reduce_window"),
    ("while_loop", "jax.lax.while_loop / fori_loop"),
    ("scan", "jax.lax.scan / fori_loop"),
    ("cond", "jax.lax.cond"),
    ("switch", "jax.lax.switch"),
)


_JAX_DIR = os.path.dirname(jax.__file__)


def _user_frame(tb):
    """The innermost traceback frame outside jax and jaxscope: where the model called jax."""
    found = None
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith((_JAX_DIR, frame.PKG_DIR)):
            found = tb
        tb = tb.tb_next
    return found


@contextlib.contextmanager
def handle_errors():
    """Turns jax's errors about a handle where it takes only arrays into jaxscope's."""
    try:
        yield
    except (TypeError, ValueError) as e:
        if isinstance(e, errors.JaxscopeError):
            raise
        message = str(e)
        if "Triggering __jax_array__()" in message:  # a jax without the hooks above
            raise HandleAbstractionError(None) from e
        if not _STRUCTURE.search(message):
            raise
        named = _NAMED.search(message)
        names = (named.group(1),) if named else ()
        where = next((w for k, w in _WHERE if k in message), "a jax function")
        tb = _user_frame(e.__traceback__)
        if tb is not None:  # jax printed no name: the handles the calling line could pass
            where += f" (at {errors.where((tb.tb_frame.f_code.co_filename, tb.tb_lineno))})"
            if not names:
                local = tb.tb_frame.f_locals.values()
                names = tuple({v._node: 0 for v in local if _is_named_handle(v)})
        raise HandleStructureError(names, where) from e


def _is_named_handle(v) -> bool:
    return isinstance(v, Variable) and v._node is not None
