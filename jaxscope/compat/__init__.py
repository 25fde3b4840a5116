"""TF1's compatibility namespaces: ``import jaxscope.compat.v1 as tf``."""

from jaxscope.compat import v1 as v1

__all__ = ["v1"]
