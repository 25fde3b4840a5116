"""TF1's ``tf.gfile`` (CamelCase names) on the local file system."""

from jaxscope._src.compat.platform import GFile as FastGFile
from jaxscope._src.compat.platform import GFile as GFile
from jaxscope._src.compat.platform import GFile as Open
from jaxscope._src.compat.platform import Walk as Walk
from jaxscope._src.compat.platform import copy as Copy
from jaxscope._src.compat.platform import exists as Exists
from jaxscope._src.compat.platform import glob as Glob
from jaxscope._src.compat.platform import isdir as IsDirectory
from jaxscope._src.compat.platform import listdir as ListDirectory
from jaxscope._src.compat.platform import makedirs as MakeDirs
from jaxscope._src.compat.platform import mkdir as MkDir
from jaxscope._src.compat.platform import remove as Remove
from jaxscope._src.compat.platform import rename as Rename
from jaxscope._src.compat.platform import rmtree as DeleteRecursively

__all__ = ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory",
           "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Walk"]  # fmt: skip
