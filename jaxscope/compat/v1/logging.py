"""TF1's ``tf.logging``: TF1's level numbers over Python's ``"tensorflow"`` logger."""

from jaxscope._src.compat.platform import DEBUG as DEBUG
from jaxscope._src.compat.platform import ERROR as ERROR
from jaxscope._src.compat.platform import FATAL as FATAL
from jaxscope._src.compat.platform import INFO as INFO
from jaxscope._src.compat.platform import WARN as WARN
from jaxscope._src.compat.platform import debug as debug
from jaxscope._src.compat.platform import error as error
from jaxscope._src.compat.platform import fatal as fatal
from jaxscope._src.compat.platform import get_verbosity as get_verbosity
from jaxscope._src.compat.platform import info as info
from jaxscope._src.compat.platform import log as log
from jaxscope._src.compat.platform import log_every_n as log_every_n
from jaxscope._src.compat.platform import log_first_n as log_first_n
from jaxscope._src.compat.platform import set_verbosity as set_verbosity
from jaxscope._src.compat.platform import warn as warn
from jaxscope._src.compat.platform import warning as warning

__all__ = ["DEBUG", "ERROR", "FATAL", "INFO", "WARN", "debug", "error", "fatal", "get_verbosity",
           "info", "log", "log_every_n", "log_first_n", "set_verbosity", "warn", "warning"]  # fmt: skip
