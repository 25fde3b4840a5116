"""Runs a TF1 source file as written, its ``tensorflow`` / ``tf_slim`` imports resolved to
jaxscope (``load_tf1_module``).

The file is read, compiled and executed into a fresh module object whose ``__import__`` looks
names up in a table first: ``import tensorflow as tf`` gets ``jaxscope.compat.v1``,
``from tensorflow.python.ops import array_ops`` gets it too, ``from tf_slim import layers`` gets
``jaxscope.contrib.layers``, ... Other TF1 model files it imports (its own package's modules,
``tf_slim.nets.*``, the modules beside a file loaded by path) are loaded the same way, once per
call. Nothing is put in
``sys.modules``: the real TensorFlow, if imported in the same process, is untouched, and any other
``tensorflow.*`` or ``tf_slim.*`` name is refused rather than silently taken from it.
"""

from __future__ import annotations

import builtins
import difflib
import importlib.machinery
import importlib.util
import linecache
import os
import types
from collections.abc import Mapping
from typing import Any

from jaxscope._src.compat.errors import PortingImportError

# TF1 module name -> the jaxscope module (a dotted path) that stands in for it.
_TABLE = {
    "tensorflow": "jaxscope.compat.v1",
    "tensorflow.compat.v1": "jaxscope.compat.v1",
    "tensorflow.compat.v1.contrib": "jaxscope.compat.v1.contrib",
    "tensorflow.contrib": "jaxscope.compat.v1.contrib",
    "tensorflow.contrib.framework": "jaxscope.compat.v1.contrib.framework",
    "tensorflow.contrib.layers": "jaxscope.contrib.layers",
    "tensorflow.contrib.rnn": "jaxscope.contrib.rnn",
    "tensorflow.contrib.seq2seq": "jaxscope.compat.v1.contrib.seq2seq",
    "tensorflow.contrib.slim": "jaxscope.slim",
    "tensorflow.python.framework.constant_op": "jaxscope.compat.v1",
    "tensorflow.python.framework.dtypes": "jaxscope.compat.v1",
    "tensorflow.python.framework.ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.array_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.clip_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.control_flow_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.init_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.math_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.nn": "jaxscope.compat.v1.nn",
    "tensorflow.python.ops.nn_ops": "jaxscope.compat.v1.nn",
    "tensorflow.python.ops.random_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.rnn": "jaxscope.compat.v1.nn",
    "tensorflow.python.ops.rnn_cell": "jaxscope.compat.v1.nn.rnn_cell",
    "tensorflow.python.ops.standard_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.state_ops": "jaxscope.compat.v1",
    "tensorflow.python.ops.variable_scope": "jaxscope.compat.v1",
    "tensorflow.python.ops.variables": "jaxscope.compat.v1",
    "tf_slim": "jaxscope.slim",
    "tf_slim.layers": "jaxscope.contrib.layers",
    "tf_slim.layers.initializers": "jaxscope.contrib.layers",
    "tf_slim.layers.layers": "jaxscope.contrib.layers",
    "tf_slim.layers.normalization": "jaxscope.contrib.layers",
    "tf_slim.layers.regularizers": "jaxscope.contrib.layers",
    "tf_slim.layers.utils": "jaxscope.contrib.layers.utils",
    "tf_slim.ops.arg_scope": "jaxscope.compat.v1.contrib.framework",
    "tf_slim.ops.variables": "jaxscope.compat.v1.contrib.framework",
}
# Packages whose modules are TF1 model files: loaded from their source, never imported.
_SOURCE_PACKAGES = ("tf_slim.nets",)
# Names under these never reach the real package: a name missing from the table is refused.
_OWNED = ("tensorflow", "tf_slim")


def default_aliases() -> dict[str, str]:
    """The table ``load_tf1_module`` starts from: TF1 module name -> jaxscope module name."""
    return dict(_TABLE)


def _find_source(name: str) -> str | None:
    """The ``.py`` file of module ``name``, found without importing it or its packages."""
    parts = name.split(".")
    try:
        spec = importlib.util.find_spec(parts[0]) if parts[0] not in ("", None) else None
    except (ImportError, ValueError):
        return None
    for i in range(1, len(parts)):
        if spec is None or not spec.submodule_search_locations:
            return None
        spec = importlib.machinery.PathFinder.find_spec(
            ".".join(parts[: i + 1]), list(spec.submodule_search_locations)
        )
    origin = getattr(spec, "origin", None)
    return origin if isinstance(origin, str) and origin.endswith(".py") else None


def _object(path: str):
    """The module or attribute a dotted path names (``jaxscope.compat.v1.nn`` is an attribute)."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 2):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[:i]))
    return obj


def _changed_lines(old: str, new: str) -> list[tuple[int, str, str]]:
    """``(first line number, old lines, new lines)`` of each changed stretch of lines."""
    a, b = old.splitlines(), new.splitlines()
    return [
        (i1 + 1, "\n".join(a[i1:i2]), "\n".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes()
        if tag != "equal"
    ]


class _Package:
    """Stands for a package (``tensorflow.python.ops``) whose submodules the table maps:
    attributes are looked up as ``<name>.<attribute>``, then on ``base`` (the package's own
    stand-in, e.g. ``jaxscope.compat.v1`` for ``tensorflow``). What ``from <package> import x``
    binds is the table's object itself, never a stand-in."""

    def __init__(self, porter: _Porter, name: str, base: Any = None, path: str = ""):
        self._porter, self._name, self._base = porter, name, base
        self._path = path  # ``import a.b.c`` walks a -> a.b -> a.b.c through these

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        name = f"{self._name}.{attr}" if self._name else attr  # "": a file's directory
        found = self._porter.resolve(name, missing_ok=self._base is not None)
        if self._path.startswith(name + "."):  # on the way to the module ``import`` names
            base = found._base if isinstance(found, _Package) else found
            return _Package(self._porter, name, base, self._path)
        if found is not None:
            return found
        return getattr(self._base, attr)

    def __repr__(self) -> str:
        return f"<jaxscope stand-in for package {self._name!r}>"


class _Porter:
    """One ``load_tf1_module`` call: its table, the TF1 files it has loaded, their edits."""

    def __init__(self, table: Mapping[str, Any], replace: Mapping[str, str], directory,
                 package: str = ""):  # fmt: skip
        self.table = dict(table)
        # tf_slim.nets, and the package of a module loaded by name: its modules are TF1 files too
        self.sources = (*_SOURCE_PACKAGES, package) if package else _SOURCE_PACKAGES
        self.replace = dict(replace)
        self.directory = directory  # of a file loaded by path: its neighbours are TF1 files too
        self.loaded: dict[str, types.ModuleType] = {}
        self.used: set[str] = set()
        self.importer: str = "?"

    def resolve(self, name: str, missing_ok: bool = False):
        if name in self.loaded:
            return self.loaded[name]
        if name in self.table:
            target = self.table[name]
            return _object(target) if isinstance(target, str) else target
        if name.startswith(tuple(p + "." for p in self.sources)) or (
            self.directory and "." not in name and self._neighbour(name)
        ):
            path = self._neighbour(name) if "." not in name else _find_source(name)
            if path is not None:
                return self.load(name, path)
        if self.parent(name):
            return _Package(self, name)
        if missing_ok:
            return None
        if name.split(".")[0] in _OWNED:
            raise PortingImportError(name, self.importer)
        return None

    def parent(self, name: str) -> bool:
        """Whether the table or the source packages hold modules under ``name``."""
        prefix = name + "."
        return any(k.startswith(prefix) for k in [*self.table, *self.sources]) or (
            name in self.sources
        )

    def _neighbour(self, name: str) -> str | None:
        path = os.path.join(self.directory, name + ".py")
        return path if os.path.isfile(path) else None

    def load(self, name: str, path: str) -> types.ModuleType:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        filename = path
        edits = []
        if self.replace:
            edited = source
            for old, new in self.replace.items():
                if old in edited:
                    self.used.add(old)
                    edited = edited.replace(old, new)
            if edited != source:
                edits = _changed_lines(source, edited)
                filename = f"{path} (edited by load_tf1_module)"
                lines = edited.splitlines(keepends=True)
                linecache.cache[filename] = (len(edited), None, lines, filename)
                source = edited
        module = types.ModuleType(name)
        module.__file__ = path
        module.__package__ = name.rpartition(".")[0]
        module.__tf1_edits__ = edits  # type: ignore[attr-defined]
        module_builtins = dict(builtins.__dict__)
        module_builtins["__import__"] = self._importer(name)
        module.__builtins__ = module_builtins  # type: ignore[attr-defined]
        self.loaded[name] = module
        try:
            exec(compile(source, filename, "exec", dont_inherit=True), module.__dict__)
        except BaseException:
            del self.loaded[name]
            raise
        return module

    def _importer(self, importer: str):
        real_import = builtins.__import__

        def __import__(name, globals=None, locals=None, fromlist=(), level=0):
            absolute = name
            self.importer = importer
            if level:
                package = (globals or {}).get("__package__") or ""
                if not package and level == 1 and self.directory:  # a file loaded by path
                    found = self.resolve(name) if name else _Package(self, "")
                    if found is None:
                        raise ImportError(
                            f"load_tf1_module: {importer} imports .{name}, but there is no "
                            f"{name}.py beside it in {self.directory}"
                        )
                    return found
                base = package.rsplit(".", level - 1)[0] if level > 1 else package
                absolute = f"{base}.{name}" if name else base
            if fromlist:
                found = self.resolve(absolute)
                if found is not None and not isinstance(found, _Package) and self.parent(absolute):
                    return _Package(self, absolute, found)  # its submodules from the table
                if found is not None:
                    return found
            else:
                top = absolute.split(".")[0]
                found = self.resolve(absolute)  # resolves and checks the whole dotted name
                if found is not None:
                    if "." not in absolute:
                        return found
                    base = self.resolve(top, missing_ok=True)
                    base = None if isinstance(base, _Package) else base
                    return _Package(self, top, base, absolute)
            return real_import(name, globals, locals, fromlist, level)

        return __import__


def load_tf1_module(
    source: str | os.PathLike,
    *,
    aliases: Mapping[str, Any] | None = None,
    replace: Mapping[str, str] | None = None,
) -> types.ModuleType:
    """Runs a TF1 model file as written, with its TF1 imports resolved to jaxscope.

    ``import tensorflow as tf`` and ``import tensorflow.compat.v1 as tf`` get
    ``jaxscope.compat.v1``; TensorFlow's internal modules a library file imports
    (``tensorflow.python.ops.{array_ops, math_ops, nn_ops, init_ops, variable_scope, ...}``,
    ``tensorflow.python.framework.{ops, dtypes}``) get ``jaxscope.compat.v1`` (``nn``/``nn_ops``
    its ``nn``); ``tf_slim`` gets ``jaxscope.slim``, ``tf_slim.layers[.layers|.regularizers|
    .initializers]`` ``jaxscope.contrib.layers``, ``tf_slim.layers.utils`` its ``utils``,
    ``tf_slim.ops.arg_scope`` ``jaxscope.compat.v1.contrib.framework``; ``tf.contrib.*`` as
    ``jaxscope.compat.v1.contrib``. TF1 files it imports in turn (the modules of its own package
    and ``tf_slim.nets.*``; for a file given by path, the ``.py`` files beside it, also as
    ``from . import x``) are loaded the same way, once per call.
    Every other import is Python's own.

    The module is executed into a fresh module object: nothing is added to ``sys.modules``, so
    the real TensorFlow (if loaded) is untouched. Its functions build jaxscope programs: call
    them inside :func:`jaxscope.transform`.

    Args:
      source: a module name (``"tf_slim.nets.vgg"``; found on ``sys.path`` without importing
        it or its packages) or the path of a ``.py`` file.
      aliases: more entries for the table, or replacements: ``{TF1 module name: module or
        jaxscope module name}``.
      replace: textual edits ``{old: new}`` made to the source (of every file this call loads)
        before it runs, for the lines jax cannot run as written -- TF1 tensor methods:
        ``{"inputs.get_shape()": "inputs.shape"}``. The changed lines are listed in the
        module's ``__tf1_edits__`` as ``(first line number, old lines, new lines)``; tracebacks
        show the edited text.

    Returns:
      The module.

    Raises:
      PortingImportError: (an ``ImportError``) a ``tensorflow.*`` / ``tf_slim.*`` name with no
        jaxscope counterpart in the table; the message says how to map it.
      FileNotFoundError: ``source`` is neither a module on ``sys.path`` nor a file.
      ValueError: an entry of ``replace`` occurs in none of the loaded files.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> from jaxscope.compat.porting import load_tf1_module
      >>> vgg = load_tf1_module("tf_slim.nets.vgg")  # the installed file, as written
      >>> def model(images):
      ...     with vgg.arg_scope(vgg.vgg_arg_scope()):
      ...         return vgg.vgg_a(images, num_classes=10, is_training=False)
      >>> x = jax.ShapeDtypeStruct((1, 224, 224, 3), jnp.float32)
      >>> [v.name for v in js.inspect(js.transform(model), x)][:2]
      ['vgg_a/conv1/conv1_1/weights', 'vgg_a/conv1/conv1_1/biases']

    TF1 equivalent: none (TF1 imports the file); see docs/PORTING.md.
    """
    table: dict[str, Any] = default_aliases()
    table.update(aliases or {})
    path = os.fspath(source)
    if path.endswith(".py") or os.sep in path:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"load_tf1_module: no file {path!r}")
        name = os.path.splitext(os.path.basename(path))[0]
        porter = _Porter(table, replace or {}, os.path.dirname(os.path.abspath(path)))
    else:
        name = path
        found = _find_source(name)
        if found is None:
            raise FileNotFoundError(
                f"load_tf1_module: no Python source for module {name!r} on sys.path; give the "
                "path of its .py file instead"
            )
        path = found
        porter = _Porter(table, replace or {}, None, name.rpartition(".")[0])
    module = porter.load(name, path)
    unused = [old for old in porter.replace if old not in porter.used]
    if unused:
        raise ValueError(
            f"load_tf1_module: replace= entries found in none of the loaded files: {unused!r}"
        )
    return module
