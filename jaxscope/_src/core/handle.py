"""The base class of variable handles, below both ``variables`` (which defines them and whose
``assign`` methods call the assign family) and ``assign`` (which must recognise them): with it,
the two modules do not import each other."""


class Handle:
    """A variable handle: ``variables.Variable`` is the only kind."""

    __slots__ = ()
