"""Compile once across runs: jax's persistent compilation cache, turned on in one call.

A first ``init`` and a first step wait mostly for XLA to compile (the draw programs of ``init``,
the train step). jax can keep every compiled program on disk and load it in the next process;
its defaults cache only programs that took more than a second to compile, which leaves out the
small draw programs of ``init``. ``enable_compilation_cache`` caches them all.
"""

from __future__ import annotations

import os

import jax

# Set to "0" / "off" to keep the cache off where a script would turn it on (the test suite does:
# each test compiles what it checks).
ENV = "JAXSCOPE_COMPILATION_CACHE"


def enable_compilation_cache(path: str | os.PathLike | None = None) -> str | None:
    """Turns on jax's persistent compilation cache in ``path``: a later process running the
    same programs (``init``'s draws, a jitted step) loads them instead of compiling them.

    Args:
      path: the cache directory; default ``$JAXSCOPE_COMPILATION_CACHE`` when it names one,
        else ``~/.cache/jaxscope/xla``. Safe to share between processes and runs.

    Returns:
      The directory used, or None where ``JAXSCOPE_COMPILATION_CACHE`` is ``0`` / ``off``.

    Example:
      >>> import jaxscope as js
      >>> js.enable_compilation_cache()  # doctest: +SKIP
      '/home/you/.cache/jaxscope/xla'

      Call it before the first compile, once per process (not run here: it changes the
      process's jax configuration).

    TF1 has no equivalent (it does not compile graphs ahead of a run); the jax config keys it
    sets are ``jax_compilation_cache_dir``, ``jax_persistent_cache_min_compile_time_secs`` (0)
    and ``jax_persistent_cache_min_entry_size_bytes`` (0).
    """
    env = os.environ.get(ENV, "")
    if env.lower() in ("0", "off", "false", "no"):
        return None
    if path is None:
        path = env or os.path.join(os.path.expanduser("~"), ".cache", "jaxscope", "xla")
    path = os.fspath(path)
    os.makedirs(path, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path
