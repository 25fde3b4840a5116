from jaxscope._src.initializers import catalogue as _impl
from jaxscope._src.initializers.catalogue import Initializer as Initializer
from jaxscope._src.initializers.catalogue import compute_fans as compute_fans
from jaxscope._src.initializers.catalogue import constant_initializer as constant_initializer
from jaxscope._src.initializers.catalogue import (
    glorot_normal_initializer as glorot_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    glorot_uniform_initializer as glorot_uniform_initializer,
)
from jaxscope._src.initializers.catalogue import he_normal as he_normal
from jaxscope._src.initializers.catalogue import he_uniform as he_uniform
from jaxscope._src.initializers.catalogue import identity_initializer as identity_initializer
from jaxscope._src.initializers.catalogue import lecun_normal as lecun_normal
from jaxscope._src.initializers.catalogue import lecun_uniform as lecun_uniform
from jaxscope._src.initializers.catalogue import ones_initializer as ones_initializer
from jaxscope._src.initializers.catalogue import orthogonal_initializer as orthogonal_initializer
from jaxscope._src.initializers.catalogue import (
    random_normal_initializer as random_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    random_uniform_initializer as random_uniform_initializer,
)
from jaxscope._src.initializers.catalogue import (
    truncated_normal_initializer as truncated_normal_initializer,
)
from jaxscope._src.initializers.catalogue import (
    uniform_unit_scaling_initializer as uniform_unit_scaling_initializer,
)
from jaxscope._src.initializers.catalogue import (
    variance_scaling_initializer as variance_scaling_initializer,
)
from jaxscope._src.initializers.catalogue import zeros_initializer as zeros_initializer

__doc__ = _impl.__doc__

__all__ = [
    "Initializer",
    "compute_fans",
    "constant_initializer",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "he_normal",
    "he_uniform",
    "identity_initializer",
    "lecun_normal",
    "lecun_uniform",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "truncated_normal_initializer",
    "uniform_unit_scaling_initializer",
    "variance_scaling_initializer",
    "zeros_initializer",
]
