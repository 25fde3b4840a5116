"""``tf.contrib.rnn``'s own cell: ``LSTMBlockCell`` (the PTB tutorial's default ``BLOCK`` mode).

TF1 computed it with one fused kernel (``LSTMBlockCell`` op); its math is ``LSTMCell``'s with
peepholes optional, so it is ``LSTMCell`` with TF1's ``LSTMBlockCell`` arguments, names and
variable creation order, and its checkpoints load by name.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src.initializers.catalogue import constant_initializer
from jaxscope._src.nn.rnn_cell import LSTMCell, _input_depth


class LSTMBlockCell(LSTMCell):
    """LSTM as TF1's fused ``LSTMBlockCell`` op computes it: ``forget_bias`` added to the forget
    gate, optional peepholes (``use_peephole``) and cell clipping (``cell_clip``; TF1's default
    ``None`` and any negative value mean no clipping), no projection. As TF1's fused kernel, the
    gradient passes through the clip unchanged (straight-through), so training follows TF1's.

    Variables, in TF1's creation order: ``lstm_cell/kernel`` ``[input_depth + num_units,
    4 * num_units]`` (gates ``i, ci, f, o``, as ``LSTMCell``'s ``i, j, f, o``), ``lstm_cell/bias``
    (zeros), with peepholes ``w_i_diag``, ``w_f_diag``, ``w_o_diag`` ``[num_units]``.

    Args:
      num_units: the size of ``c`` and ``h``.
      forget_bias: added to the forget gate's pre-activation.
      cell_clip: clip ``c`` to ``[-cell_clip, cell_clip]`` (None or negative: no clipping).
      use_peephole: add the diagonal peephole connections.
      dtype: the variables' dtype (default: the inputs').
      reuse: ``True`` or ``AUTO_REUSE`` to take the variables of an existing scope.
      name: the cell's variable scope (TF1's default ``"lstm_cell"``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.contrib.rnn.LSTMBlockCell(4)
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 4)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'lstm_cell': {'bias': (16,), 'kernel': (7, 16)}}

    TF1 equivalent: tf.contrib.rnn.LSTMBlockCell
    """

    def __init__(
        self,
        num_units,
        forget_bias=1.0,
        cell_clip=None,
        use_peephole=False,
        dtype=None,
        reuse=None,
        name="lstm_cell",
    ):
        clip = None if cell_clip is None or cell_clip < 0 else cell_clip
        super().__init__(
            num_units,
            use_peepholes=use_peephole,
            cell_clip=clip,
            forget_bias=forget_bias,
            reuse=reuse,
            name=name,
            dtype=dtype,
        )

    def build(self, input_shape):
        depth, n = _input_depth(input_shape), self._num_units
        self._kernel = self.add_weight("kernel", [depth + n, 4 * n])
        self._bias = self.add_weight("bias", [4 * n], initializer=constant_initializer(0.0))
        if self._use_peepholes:
            self._w_i_diag = self.add_weight("w_i_diag", [n])
            self._w_f_diag = self.add_weight("w_f_diag", [n])
            self._w_o_diag = self.add_weight("w_o_diag", [n])

    def _clip_cell(self, c):
        clipped = jnp.clip(c, -self._cell_clip, self._cell_clip)
        return c + jax.lax.stop_gradient(clipped - c)  # TF1's BlockLSTM backprop skips the clip
