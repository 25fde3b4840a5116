"""TF1's ``tf.contrib.framework``: tf-slim's ``arg_scope`` family, model variables and the global
step, at their contrib paths."""

from jaxscope._src.contrib.arg_scope import add_arg_scope as add_arg_scope
from jaxscope._src.contrib.arg_scope import arg_scope as arg_scope
from jaxscope._src.contrib.arg_scope import arg_scope_func_key as arg_scope_func_key
from jaxscope._src.contrib.arg_scope import arg_scoped_arguments as arg_scoped_arguments
from jaxscope._src.contrib.arg_scope import current_arg_scope as current_arg_scope
from jaxscope._src.contrib.arg_scope import has_arg_scope as has_arg_scope
from jaxscope._src.contrib.variables import model_variable as model_variable
from jaxscope.train import create_global_step as create_global_step
from jaxscope.train import get_global_step as get_global_step
from jaxscope.train import get_or_create_global_step as get_or_create_global_step

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "create_global_step",
    "current_arg_scope",
    "get_global_step",
    "get_or_create_global_step",
    "has_arg_scope",
    "model_variable",
]
