"""The errors that ``flax`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.core.call_errors import ImmutableVariableError, MissingRngError
from jaxscope._src.errors import JaxscopeError


class LinenImmutableVariableError(ImmutableVariableError):
    """A jaxscope model inside a linen module (``jaxscope.flax.to_linen``) assigned a variable
    whose linen collection the caller did not make mutable.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, name: str, collection: str):
        self.name, self.collection = name, collection
        RuntimeError.__init__(
            self,
            f'The jaxscope model assigns variable "{name}", which lives in the linen collection '
            f"{collection!r}, but the module was applied without that collection mutable. Make "
            "it mutable and take the new values:\n"
            f"    out, updates = model.apply(variables, x, mutable=[{collection!r}])\n"
            "(or run the model where it does not update, e.g. training=False).",
        )


class LinenModuleError(JaxscopeError, TypeError):
    """``jaxscope.flax.from_linen`` got something other than an unbound ``flax.linen.Module``
    (or ``from_nnx`` something other than an ``flax.nnx.Module``).

    Subclasses ``TypeError``.
    """

    def __init__(self, module, why: str, nnx: bool = False):
        self.module = module
        if nnx:
            super().__init__(
                f"jaxscope.flax.from_nnx takes a flax.nnx.Module instance, got "
                f"{type(module).__name__}: {why}. Build the module first, e.g.\n"
                "    jaxscope.flax.from_nnx(nnx.Linear(3, 4, rngs=nnx.Rngs(0)), 'proj')(x)\n"
                "and pass a linen module to from_linen:\n"
                "    jaxscope.flax.from_linen(nn.Dense(4), 'dense')(x)"
            )
            return
        super().__init__(
            f"jaxscope.flax.from_linen takes an unbound flax.linen.Module, got "
            f"{type(module).__name__}: {why}. Pass the module itself, e.g.\n"
            "    jaxscope.flax.from_linen(nn.Dense(4), 'dense')(x)\n"
            "and an NNX module to from_nnx (or through nnx.bridge.to_linen):\n"
            "    jaxscope.flax.from_nnx(MyNNXModule(*args, rngs=nnx.Rngs(0)), 'block')(x)"
        )


class LinenCollectionConflictError(JaxscopeError, ValueError):
    """Two collections of a linen module hold a variable at the same path: jaxscope's ``state``
    (every collection but ``params``) and ``params`` share one namespace, as TF1 names do.

    Subclasses ``ValueError``.
    """

    def __init__(self, scope: str, node: str, first: str, second: str):
        full = f"{scope}/{node}" if scope else node
        self.name = full
        super().__init__(
            f'The linen module has a variable "{node}" in both collections {first!r} and '
            f'{second!r}; in jaxscope both would be the variable "{full}" (TF1 names are one '
            "namespace). Rename one of them in the module, e.g. self.variable('batch_stats', "
            f"'{node.rsplit('/', 1)[-1]}_stats', ...)."
        )


class LinenMissingRngError(MissingRngError):
    """A jaxscope model inside a linen module called ``next_rng_key`` in an ``apply`` that got no
    key for the module's rng stream.

    Subclasses ``ValueError``.
    """

    def __init__(self, stream: str):
        self.stream = stream
        ValueError.__init__(
            self,
            "The jaxscope model calls jaxscope.next_rng_key(), which the linen module feeds from "
            f"its {stream!r} rng stream, but apply() got no {stream!r} key. Pass it:\n"
            f"    out = model.apply(variables, x, rngs={{{stream!r}: jax.random.key(step)}})",
        )


class GetterValueError(JaxscopeError, TypeError, ValueError):
    """A custom getter returned, for a variable of a flax module run inside jaxscope
    (``from_linen``/``from_nnx``), an array of another dtype or shape than the module declares:
    flax would promote or broadcast it silently; TF1's ops refuse to mix dtypes (``TypeError``
    or ``ValueError``), so this subclasses both."""

    def __init__(self, who: str, name: str, got: tuple, declared: tuple):
        self.who, self.name = who, name
        (shape, dtype), (var_shape, var_dtype) = got, declared
        self.shape, self.dtype = tuple(shape), str(dtype)
        self.var_shape, self.var_dtype = tuple(var_shape), str(var_dtype)
        super().__init__(
            f'{who}: the custom getter returned {self.dtype}{list(self.shape)} for variable "'
            f'{name}", but the flax module declares it {self.var_dtype}{list(self.var_shape)}; '
            "flax would promote or broadcast it silently, and TF1's ops refuse to mix dtypes. "
            "Declare the dtype in the module and return what it asks for:\n"
            "    jaxscope.flax.from_linen(nn.Dense(4, dtype=jnp.bfloat16, "
            "param_dtype=jnp.bfloat16), 'dense')(x.astype(jnp.bfloat16))\n"
            "or let the getter return the variable itself: return getter(name, *args, **kwargs)"
        )
