"""TF1's framework names that model files call: the collection helpers (over jaxscope's own
collections), the graph seed, ``executing_eagerly``, ``init_scope`` and ``custom_gradient``."""

from __future__ import annotations

import contextlib
import functools
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import convert
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys, get_collection, global_variables
from jaxscope._src.core.variable_store import get_variable


# -- collections --------------------------------------------------------------------------------
def get_collection_ref(key: str) -> list:
    """The list of collection ``key`` of the current call itself: appending to it adds to the
    collection (:func:`jaxscope.get_collection` returns a copy).

    Args:
        key: The collection's name.

    Returns:
        The collection's list itself.

    Raises:
        RuntimeError: called outside ``jaxscope.transform``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jaxscope
        >>> def model():
        ...     tf.get_collection_ref("my_things").append(3)
        ...     return tf.get_collection("my_things")
        >>> jaxscope.transform(model).apply({})
        [3]

    TF1 equivalent: tf.compat.v1.get_collection_ref
    """
    return frame.current("get_collection_ref").collections.setdefault(key, [])


def add_to_collections(names, value) -> None:
    """Appends ``value`` to each collection in ``names`` (a name or an iterable; each name once).

    Args:
        names: A collection name or an iterable of them.
        value: The value to add.

    Returns:
        None.

    Raises:
        RuntimeError: called outside ``jaxscope.transform``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jaxscope
        >>> def model():
        ...     tf.add_to_collections(["a", "b"], 1.)
        ...     return tf.get_collection("a"), tf.get_collection("b")
        >>> jaxscope.transform(model).apply({})
        ([1.0], [1.0])

    TF1 equivalent: tf.compat.v1.add_to_collections
    """
    fr = frame.current("add_to_collections")
    keys = (names,) if isinstance(names, str) else set(names)
    for key in keys:
        fr.collections.setdefault(key, []).append(value)


def local_variables(scope: str | None = None) -> list:
    """The variables filed in ``GraphKeys.LOCAL_VARIABLES`` (under ``scope``).

    Args:
        scope: Only the variables whose name starts with it, or ``None`` (all).

    Returns:
        A list of :class:`~jaxscope.Variable`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model():
        ...     tf.get_local_variable("count", [], initializer=tf.zeros_initializer())
        ...     return [v.name for v in tf.local_variables()]
        >>> jaxscope.transform(model).init_with_output(jax.random.key(0))[0]
        ['count:0']

    TF1 equivalent: tf.compat.v1.local_variables
    """
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list:
    """The variables filed in ``GraphKeys.MODEL_VARIABLES`` (under ``scope``).

    Args:
        scope: Only the variables whose name starts with it, or ``None`` (all).

    Returns:
        A list of :class:`~jaxscope.Variable`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model():
        ...     tf.get_variable("w", [], collections=[tf.GraphKeys.MODEL_VARIABLES])
        ...     return [v.name for v in tf.model_variables()]
        >>> jaxscope.transform(model).init_with_output(jax.random.key(0))[0]
        ['w:0']

    TF1 equivalent: tf.compat.v1.model_variables
    """
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: str | None = None) -> list:
    """The variables filed in ``MOVING_AVERAGE_VARIABLES``.

    Differs from TF1: ``jaxscope.train.ExponentialMovingAverage`` keeps its shadows beside the
    variables, outside the transformed function, so its ``apply`` files nothing here (TF1's adds
    the averaged variables); this lists only what the program added itself.

    Args:
        scope: Only the variables whose name starts with it, or ``None`` (all).

    Returns:
        A list of :class:`~jaxscope.Variable`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> jaxscope.transform(lambda: tf.moving_average_variables()).init_with_output(jax.random.key(0))[0]
        []

    TF1 equivalent: tf.compat.v1.moving_average_variables
    """
    return get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def all_variables() -> list:
    """The global variables (TF1's deprecated name of :func:`jaxscope.global_variables`).

    Returns:
        A list of :class:`~jaxscope.Variable`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model():
        ...     tf.get_variable("w", [])
        ...     return [v.name for v in tf.all_variables()]
        >>> jaxscope.transform(model).init_with_output(jax.random.key(0))[0]
        ['w:0']

    TF1 equivalent: tf.compat.v1.all_variables (= global_variables)
    """
    return global_variables()


@functools.wraps(get_variable, assigned=("__annotations__",))
def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None,
                       constraint=None, synchronization=None, aggregation=None):  # fmt: skip
    """:func:`jaxscope.get_variable`, not trainable, filed in ``LOCAL_VARIABLES`` (plus
    ``collections``) instead of ``GLOBAL_VARIABLES``; its value lives under ``variables["state"]``.

    Args:
        name: The variable's name in the current variable scope.
        shape: Its shape.
        dtype: Its dtype.
        initializer: Its initializer.
        regularizer: Its regularizer.
        trainable: Whether it is trainable (default False).
        collections: Collections to file it in besides ``LOCAL_VARIABLES``.
        caching_device: As :func:`jaxscope.get_variable`.
        partitioner: As :func:`jaxscope.get_variable`.
        validate_shape: As :func:`jaxscope.get_variable`.
        use_resource: As :func:`jaxscope.get_variable`.
        custom_getter: As :func:`jaxscope.get_variable`.
        constraint: As :func:`jaxscope.get_variable`.
        synchronization: As :func:`jaxscope.get_variable`.
        aggregation: As :func:`jaxscope.get_variable`.

    Returns:
        A :class:`~jaxscope.Variable`.

    Raises:
        ValueError: as :func:`jaxscope.get_variable` (reuse, shape).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.get_local_variable("n", [], initializer=tf.ones_initializer()))
        >>> f.init(jax.random.key(0))
        {'params': {}, 'state': {'n': Array(1., dtype=float32)}}

    TF1 equivalent: tf.compat.v1.get_local_variable
    """
    keys = [*list(collections or []), GraphKeys.LOCAL_VARIABLES]
    return get_variable(
        name, shape, dtype, initializer, regularizer, False, keys, caching_device,
        partitioner, validate_shape, use_resource, custom_getter, constraint, synchronization,
        aggregation,
    )  # fmt: skip


# -- seeds and execution mode ----------------------------------------------------------------------
_GRAPH_SEED: list[int | None] = [None]
_DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def set_random_seed(seed) -> None:
    """Records TF1's graph-level seed (read back by :func:`get_seed`).

    Differs from TF1: the values random ops draw come from the key given to ``init`` / ``apply``
    (``rng=``), never from this seed, so it does not change them; pass
    ``rng=jax.random.key(seed)`` to reproduce a run. The seed is one per process, not per graph.

    Args:
        seed: An int, or ``None`` to clear it.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.set_random_seed(42)
        >>> tf.get_seed(None)
        (42, 0)
        >>> tf.set_random_seed(None)

    TF1 equivalent: tf.compat.v1.set_random_seed
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise OpTypeError("set_random_seed", f"seed must be an int or None, got {seed!r}.")
    _GRAPH_SEED[0] = None if seed is None else int(seed)


def get_seed(op_seed):
    """``(graph_seed, op_seed)`` by TF1's rules: both None when neither is set; TF1's default graph
    seed when only ``op_seed`` is; ``(0, 0)`` becomes ``(0, 2**31 - 1)``.

    Differs from TF1: with a graph seed and no ``op_seed``, the op seed is 0 (TF1 uses the
    graph's op count, which a jax program does not have). The seeds do not change any draw (see
    :func:`set_random_seed`).

    Args:
        op_seed: The op's seed, or ``None``.

    Returns:
        A pair ``(graph_seed, op_seed)`` of ints or ``None``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.get_seed(None)
        (None, None)
        >>> tf.get_seed(7)
        (87654321, 7)

    TF1 equivalent: tf.compat.v1.get_seed
    """
    graph_seed = _GRAPH_SEED[0]
    if graph_seed is None:
        if op_seed is None:
            return None, None
        graph_seed = _DEFAULT_GRAPH_SEED
    op_seed = 0 if op_seed is None else int(op_seed)
    if (graph_seed, op_seed) == (0, 0):
        return 0, _MAXINT32
    return graph_seed, op_seed


def executing_eagerly() -> bool:
    """False: a jaxscope program is TF1's graph program (collections, scopes, reuse), run eagerly or
    under ``jax.jit`` alike, so code that branches on this takes TF1's graph-mode path.

    Returns:
        False.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.executing_eagerly()
        False

    TF1 equivalent: tf.compat.v1.executing_eagerly (False while TF1 builds a graph)
    """
    return False


@contextlib.contextmanager
def init_scope():
    """A no-op context: there is no function graph or control-flow context to lift out of; the
    current name and variable scopes stay as they are (TF1 keeps the name scope too).

    Yields:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> with tf.init_scope():
        ...     x = tf.constant(1.)
        >>> x
        Array(1., dtype=float32)

    TF1 equivalent: tf.compat.v1.init_scope
    """
    yield


# -- custom gradients --------------------------------------------------------------------------------
def _zero_cotangent(spec):
    shape, dtype = spec
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.zeros(shape, dtype)
    return np.zeros(shape, jax.dtypes.float0)


def _grad_list(grads, xs: list) -> list:
    """``grad_fn``'s answer as one cotangent per flat input (None: no gradient)."""
    gs = list(grads) if isinstance(grads, (list, tuple)) else [grads]
    if len(gs) != len(xs):
        raise OpArgumentError(
            "custom_gradient",
            f"grad_fn returned {len(gs)} gradients for {len(xs)} inputs; it must return one "
            "per input of the decorated function (None for none).",
        )
    out = []
    for g, (shape, dtype) in zip(gs, xs, strict=True):
        if g is None or not jnp.issubdtype(dtype, jnp.inexact):
            out.append(_zero_cotangent((shape, dtype)))
        else:
            out.append(jnp.broadcast_to(jnp.asarray(g, dtype), shape))
    return out


def custom_gradient(f=None):
    """Decorates ``f(*x) -> (y, grad_fn)``: the result is ``y``, and its gradient with respect
    to the inputs is what ``grad_fn(*dy)`` returns (one gradient per input, or a single one for a
    single input), not the gradient of ``f``'s ops.

    The decorated function works under ``jax.grad`` / ``jax.vjp`` (on ``jax.custom_vjp``, with
    ``grad_fn`` converted by ``jax.closure_convert``, so it may use values of the forward pass)
    and under ``jax.jit``.

    Differs from TF1: ``grad_fn(dy, variables=...)`` (gradients for the variables ``f`` reads)
    is not supported: ``grad_fn`` is always called without ``variables``, and the variables
    ``f`` reads get no gradient through ``y``. Keyword arguments are passed to ``f`` (TF1's graph
    mode refuses them) and get no gradient.

    Args:
        f: The function ``f(*x) -> (y, grad_fn)`` (``None``: ``custom_gradient`` returns a
            decorator).

    Returns:
        The decorated function (or a decorator for ``f=None``).

    Example:
      >>> import jax, jaxscope.compat.v1 as tf
      >>> @tf.custom_gradient
      ... def clip_grad(x):
      ...     return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)
      >>> float(jax.grad(lambda x: 5.0 * clip_grad(x))(2.0))
      1.0

    TF1 equivalent: tf.compat.v1.custom_gradient
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        flat, tree = jax.tree_util.tree_flatten(args)
        xs = [convert(a, op="custom_gradient", arg="x") for a in flat]
        y, grad_fn = f(*jax.tree_util.tree_unflatten(tree, xs), **kwargs)
        ys, ytree = jax.tree_util.tree_flatten(y)
        ys = [jnp.asarray(v) for v in ys]
        grad, consts = jax.closure_convert(lambda *dys: grad_fn(*dys), *ys)
        specs = [(v.shape, v.dtype) for v in ys]

        @jax.custom_vjp
        def link(xs, consts):  # zeros whose gradient is grad_fn's
            return [jnp.zeros(shape, dtype) for shape, dtype in specs]

        xspecs = [(jnp.shape(x), jnp.result_type(x)) for x in xs]
        cspecs = [(jnp.shape(c), jnp.result_type(c)) for c in consts]

        def fwd(xs, consts):
            return link(xs, consts), consts

        def bwd(rconsts, dys):
            gx = _grad_list(grad(*dys, *rconsts), xspecs)
            return gx, [_zero_cotangent(c) for c in cspecs]

        link.defvjp(fwd, bwd)
        # nothing flows back through f's own ops, nor through the values grad_fn closes over
        # (a zero cotangent times an infinite derivative would be NaN)
        zeros = link(xs, [jax.lax.stop_gradient(c) for c in consts])
        out = [jax.lax.stop_gradient(v) + z for v, z in zip(ys, zeros, strict=True)]
        return jax.tree_util.tree_unflatten(ytree, out)

    return decorated
