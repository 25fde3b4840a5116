"""Run a TF1 model file as written, its ``tensorflow`` / ``tf_slim`` imports resolved to jaxscope:
``vgg = load_tf1_module("tf_slim.nets.vgg")``."""

from jaxscope._src.compat.errors import PortingImportError as PortingImportError
from jaxscope._src.compat.porting import default_aliases as default_aliases
from jaxscope._src.compat.porting import load_tf1_module as load_tf1_module

__all__ = ["PortingImportError", "default_aliases", "load_tf1_module"]
