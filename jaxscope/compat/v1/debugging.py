"""TF1's ``tf.debugging``: the ``assert_*`` family (checked when called on concrete values, else
when the compiled program runs)."""

from jaxscope._src.compat.check_ops import Assert as Assert
from jaxscope._src.compat.check_ops import assert_integer as assert_integer
from jaxscope._src.compat.check_ops import assert_near as assert_near
from jaxscope._src.compat.check_ops import assert_rank_at_least as assert_rank_at_least
from jaxscope._src.compat.check_ops import assert_rank_in as assert_rank_in
from jaxscope._src.compat.check_ops import assert_same_float_dtype as assert_same_float_dtype
from jaxscope._src.compat.check_ops import assert_scalar as assert_scalar
from jaxscope._src.compat.check_ops import check_numerics as check_numerics
from jaxscope._src.compat.graph import assert_equal as assert_equal
from jaxscope._src.compat.graph import assert_greater as assert_greater
from jaxscope._src.compat.graph import assert_greater_equal as assert_greater_equal
from jaxscope._src.compat.graph import assert_less as assert_less
from jaxscope._src.compat.graph import assert_less_equal as assert_less_equal
from jaxscope._src.compat.graph import assert_negative as assert_negative
from jaxscope._src.compat.graph import assert_non_negative as assert_non_negative
from jaxscope._src.compat.graph import assert_non_positive as assert_non_positive
from jaxscope._src.compat.graph import assert_none_equal as assert_none_equal
from jaxscope._src.compat.graph import assert_positive as assert_positive
from jaxscope._src.compat.graph import assert_rank as assert_rank
from jaxscope._src.compat.graph import assert_type as assert_type

__all__ = ["assert_equal", "assert_greater", "assert_greater_equal", "assert_less",
           "assert_less_equal", "assert_negative", "assert_non_negative", "assert_non_positive",
           "assert_none_equal", "assert_positive", "assert_rank", "assert_type"]  # fmt: skip
__all__ += ["Assert", "assert_integer", "assert_near", "assert_rank_at_least", "assert_rank_in",
            "assert_same_float_dtype", "assert_scalar", "check_numerics"]  # fmt: skip
