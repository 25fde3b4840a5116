"""TF1's ``tf.io.gfile`` (lowercase names) on the local file system."""

from jaxscope._src.compat.platform import GFile as GFile
from jaxscope._src.compat.platform import copy as copy
from jaxscope._src.compat.platform import exists as exists
from jaxscope._src.compat.platform import glob as glob
from jaxscope._src.compat.platform import isdir as isdir
from jaxscope._src.compat.platform import listdir as listdir
from jaxscope._src.compat.platform import makedirs as makedirs
from jaxscope._src.compat.platform import mkdir as mkdir
from jaxscope._src.compat.platform import remove as remove
from jaxscope._src.compat.platform import rename as rename
from jaxscope._src.compat.platform import rmtree as rmtree
from jaxscope._src.compat.platform import walk as walk

__all__ = ["GFile", "copy", "exists", "glob", "isdir", "listdir", "makedirs", "mkdir", "remove",
           "rename", "rmtree", "walk"]  # fmt: skip
