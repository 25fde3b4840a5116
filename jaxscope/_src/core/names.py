"""TF1's name rules: validation regexes and graph-wide uniquification (``Graph.unique_name``).

jaxscope has no graph, but TF1's variable names depend on one: variables, ``tf.Variable`` names and
name scopes share a single namespace, uniquified case-insensitively. :class:`NameRegistry` is that
namespace, one per ``init``/``apply`` call (the analog of a fresh ``tf.Graph``).
"""

from __future__ import annotations

import functools
import re

from jaxscope._src.core.errors import DuplicateNameError, InvalidNameError

ROOT_PATTERN = r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$"
NESTED_PATTERN = r"^[A-Za-z0-9_.\\/>-]*$"
_ROOT = re.compile(ROOT_PATTERN)
_NESTED = re.compile(NESTED_PATTERN)


@functools.lru_cache(maxsize=1 << 16)
def validate_scope_name(name: str, nested: bool) -> None:
    """Checks a name-scope name as ``Graph.name_scope`` does (root names are stricter)."""
    if nested:
        if not _NESTED.fullmatch(name):  # fullmatch: `$` alone allows a final "\n"
            raise InvalidNameError(name, NESTED_PATTERN, "scope")
    elif not _ROOT.fullmatch(name):
        raise InvalidNameError(name, ROOT_PATTERN, "root scope")


def validate_op_name(name: str) -> None:
    """Checks a full variable (node) name as TF1's op constructor does."""
    if not _ROOT.fullmatch(name):
        raise InvalidNameError(name, ROOT_PATTERN, "node")


class NameRegistry:
    """The op/name-scope namespace of one TF1 graph, and the current name-scope stack."""

    __slots__ = ("names_in_use", "name_stack", "nodes")

    def __init__(self) -> None:
        self.names_in_use: dict[str, int] = {}
        self.name_stack = ""
        self.nodes: set[str] = set()  # full names of created variables ("ops")

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """``Graph.unique_name``: ``a``, ``a_1``, ...; case-insensitive; skips taken suffixes."""
        if self.name_stack:
            name = self.name_stack + "/" + name
        key = name.lower()
        i = self.names_in_use.get(key, 0)
        if mark_as_used:
            self.names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self.names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self.names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    def enter(self, name: str | None) -> tuple[str, str]:
        """Opens ``name_scope(name)``; returns (previous stack, yielded scope string)."""
        if name:
            validate_scope_name(name, nested=bool(self.name_stack))
        old = self.name_stack
        if not name:
            new, yielded = "", ""
        elif name[-1] == "/":
            new, yielded = name[:-1], name
        else:
            new = self.unique_name(name)
            yielded = new + "/"
        self.name_stack = new
        return old, yielded

    def new_root_node(self, key: str) -> str:
        """``new_node`` at the root name scope, where ``get_variable`` names its variables."""
        if not key or key[-1] == "/":
            old, self.name_stack = self.name_stack, ""
            try:
                return self.new_node(key)
            finally:
                self.name_stack = old
        validate_scope_name(key, nested=False)
        lower = key.lower()
        if lower in self.names_in_use:  # taken: the general path uniquifies
            old, self.name_stack = self.name_stack, ""
            try:
                node = self.unique_name(key)
            finally:
                self.name_stack = old
        else:
            self.names_in_use[lower] = 1
            node = key
        if node in self.nodes:
            raise DuplicateNameError(node)
        self.nodes.add(node)
        return node

    def new_node(self, name: str | None, default: str = "VariableV2") -> str:
        """Names a new variable node as ``tf.Variable(name=...)`` does in the current name scope.

        ``name`` is entered as a name scope (uniquified, or verbatim when it ends in ``/``); the
        node takes that scope's name. An empty name resets to the root and takes the op type's
        name, as TF1's ref variables do. (TF1 also names the variable's own ops, ``v/read``,
        ``v/Assign``...; jaxscope has no ops, so only the variable names take part.)
        """
        if name and name[-1] != "/":  # the common case, kept cheap
            validate_scope_name(name, nested=bool(self.name_stack))
            node = self.unique_name(name)
        else:
            old, yielded = self.enter(name)
            try:
                node = yielded[:-1] if yielded else self.unique_name(default)
            finally:
                self.name_stack = old
            validate_op_name(node)
        if node in self.nodes:
            raise DuplicateNameError(node)
        self.nodes.add(node)
        return node
