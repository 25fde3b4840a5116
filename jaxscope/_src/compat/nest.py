"""TF1's ``tf.nest``: flatten and rebuild nested lists, tuples, namedtuples and dicts as TF's nest
does. Only those are structure; everything else, ``None`` and jax-registered pytrees included, is
a leaf (``jax.tree_util`` would drop ``None`` and open custom pytrees). Every mapping, an
``OrderedDict`` too, is visited in sorted key order, and rebuilt with its own type and order."""

from __future__ import annotations

from collections.abc import Mapping


def is_nested(seq) -> bool:
    """Whether ``seq`` is a list, tuple or mapping (strings and ``None`` are not).

    Args:
        seq: Any value.

    Returns:
        A Python bool.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nest.is_nested([1, 2]), tf.nest.is_nested("ab"), tf.nest.is_nested({"a": 1})
        (True, False, True)

    TF1 equivalent: tf.compat.v1.nest.is_nested
    """
    return isinstance(seq, (list, tuple, Mapping))


def _children(x) -> list:
    if isinstance(x, Mapping):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(structure, expand_composites=False) -> list:
    """The leaves of ``structure`` in TF's order (a leaf alone gives ``[leaf]``).

    Args:
        structure: A nested structure of lists, tuples, dicts (sorted by key) and leaves.
        expand_composites: Accepted for TF's signature.

    Returns:
        A list of the leaves.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nest.flatten({"b": [1, 2], "a": (3,)})
        [3, 1, 2]

    TF1 equivalent: tf.compat.v1.nest.flatten
    """
    if not is_nested(structure):
        return [structure]
    return [leaf for child in _children(structure) for leaf in flatten(child)]


def _rebuild(like, values: list):
    if isinstance(like, Mapping):
        by_key = dict(zip(sorted(like), values, strict=True))
        return type(like)((k, by_key[k]) for k in like)
    if isinstance(like, tuple) and hasattr(like, "_fields"):  # a namedtuple
        return type(like)(*values)
    return type(like)(values)


def _pack(structure, leaves, i: int):
    if not is_nested(structure):
        return leaves[i], i + 1
    values = []
    for child in _children(structure):
        v, i = _pack(child, leaves, i)
        values.append(v)
    return _rebuild(structure, values), i


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """``flat_sequence`` rebuilt in the shape of ``structure``.

    Raises ValueError when the counts differ, as TF1's nest.

    Args:
        structure: The nested structure to copy.
        flat_sequence: The leaves, as many as ``structure`` has.
        expand_composites: Accepted for TF's signature.

    Returns:
        ``flat_sequence``'s values in ``structure``'s nesting.

    Raises:
        ValueError: the counts differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nest.pack_sequence_as({"b": [0, 0], "a": (0,)}, [1, 2, 3])
        {'b': [2, 3], 'a': (1,)}

    TF1 equivalent: tf.compat.v1.nest.pack_sequence_as
    """
    flat = list(flat_sequence)
    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(
            f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had "
            f"{len(flat)} items. Structure: {structure!r}, flat_sequence: {flat!r}."
        )
    return _pack(structure, flat, 0)[0]


def _same(a, b, check_types: bool, path: str) -> None:
    if is_nested(a) != is_nested(b):
        nested, other = (a, b) if is_nested(a) else (b, a)
        raise ValueError(
            f"The two structures don't have the same nested structure: at {path or 'the top'}, "
            f"{nested!r} is a sequence and {other!r} is not."
        )
    if not is_nested(a):
        return
    if check_types and type(a) is not type(b):
        raise TypeError(
            f"The two structures don't have the same sequence type: at {path or 'the top'}, "
            f"{type(a).__name__} vs {type(b).__name__} (pass check_types=False to allow it)."
        )
    ka = sorted(a) if isinstance(a, Mapping) else None
    kb = sorted(b) if isinstance(b, Mapping) else None
    if (check_types and ka != kb) or len(a) != len(b):
        raise ValueError(
            f"The two structures don't have the same number of elements or keys: at "
            f"{path or 'the top'}, {a!r} vs {b!r}."
        )
    for i, (x, y) in enumerate(zip(_children(a), _children(b), strict=True)):
        _same(x, y, check_types, f"{path}[{ka[i] if ka else i!r}]")


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False) -> None:
    """Raises ValueError when ``nest1`` and ``nest2`` nest differently, TypeError when only the
    sequence types differ (``check_types``), as TF1's nest.

    Args:
        nest1: A nested structure.
        nest2: Another.
        check_types: Whether the sequence types must match too.
        expand_composites: Accepted for TF's signature.

    Returns:
        None.

    Raises:
        ValueError: they nest differently.
        TypeError: only the sequence types differ (with ``check_types``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nest.assert_same_structure([1, (2, 3)], [4, (5, 6)]) is None
        True

    TF1 equivalent: tf.compat.v1.nest.assert_same_structure
    """
    _same(nest1, nest2, check_types, "")


def map_structure(func, *structure, **kwargs):
    """``func`` applied leaf by leaf across ``structure`` (all of one structure), in the shape of
    the first. ``check_types`` (default True) as :func:`assert_same_structure`.

    Args:
        func: Called with one leaf of each structure.
        *structure: Structures of one nesting.
        **kwargs: ``check_types`` (default True); ``expand_composites`` is accepted and ignored.

    Returns:
        ``func``'s results in the first structure's nesting.

    Raises:
        ValueError: the structures nest differently.
        TypeError: an unexpected keyword argument, or (``check_types``) the sequence types differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])
        [11, (22, 33)]

    TF1 equivalent: tf.compat.v1.nest.map_structure
    """
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: {sorted(kwargs)}")  # fmt: skip
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types)
    leaves = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*xs) for xs in zip(*leaves, strict=True)])
