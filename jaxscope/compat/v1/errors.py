"""TF1's ``tf.errors``: the run-time error classes jaxscope raises where TF1 raised them."""

from jaxscope._src.compat.graph import AlreadyExistsError as AlreadyExistsError
from jaxscope._src.compat.graph import InvalidArgumentError as InvalidArgumentError
from jaxscope._src.compat.graph import NotFoundError as NotFoundError
from jaxscope._src.compat.graph import OpError as OpError
from jaxscope._src.compat.graph import OutOfRangeError as OutOfRangeError
from jaxscope._src.compat.graph import UnimplementedError as UnimplementedError

__all__ = ["AlreadyExistsError", "InvalidArgumentError", "NotFoundError", "OpError",
           "OutOfRangeError", "UnimplementedError"]  # fmt: skip
