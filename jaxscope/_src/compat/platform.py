"""TF1's ``tf.logging``, ``tf.gfile`` / ``tf.io.gfile`` (local files) and ``tf.app.run``."""

from __future__ import annotations

import glob as _glob
import logging as _logging
import os
import shutil
import sys

from jaxscope._src.compat.graph import AlreadyExistsError, NotFoundError

# -- tf.logging: TF1's API over Python's "tensorflow" logger (TF1's own levels) ----------------------
DEBUG, INFO, WARN, ERROR, FATAL = 10, 20, 30, 40, 50
_logger = _logging.getLogger("tensorflow")
_handler_added = False


def _get_logger() -> _logging.Logger:
    """The "tensorflow" logger; as TF1's ``get_logger``, the first use gives it a stderr handler
    (``BASIC_FORMAT``) when the program configured no logging (the root logger has no handler)."""
    global _handler_added
    if not _handler_added:
        _handler_added = True
        if not _logger.handlers and not _logging.getLogger().handlers:
            handler = _logging.StreamHandler(sys.stderr)
            handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
            _logger.addHandler(handler)
    return _logger


# stacklevel=2: the record names the caller's file and line, as TF1's does
def set_verbosity(v):
    """Sets the level of the ``tensorflow`` logger: messages below it are dropped.

    Args:
        v: A level: ``tf.logging.DEBUG`` (10), ``INFO`` (20), ``WARN`` (30), ``ERROR`` (40) or ``FATAL`` (50).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> old = tf.logging.get_verbosity()
        >>> tf.logging.set_verbosity(tf.logging.ERROR)
        >>> tf.logging.get_verbosity()
        40
        >>> tf.logging.set_verbosity(old)

    TF1 equivalent: tf.compat.v1.logging.set_verbosity
    """
    _get_logger().setLevel(v)


def get_verbosity():
    """The effective level of the ``tensorflow`` logger.

    Args:


    Returns:
        An int level (``tf.logging.INFO`` is 20).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.get_verbosity() in (0, 10, 20, 30, 40, 50)
        True

    TF1 equivalent: tf.compat.v1.logging.get_verbosity
    """
    return _get_logger().getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    """Logs ``msg % args`` at ``level`` on the ``tensorflow`` logger (the record names the caller's line).

    Args:
        level: The level, e.g. ``tf.logging.WARN``.
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.log(tf.logging.DEBUG, "step %d", 3)

    TF1 equivalent: tf.compat.v1.logging.log
    """
    _get_logger().log(level, msg, *args, stacklevel=2, **kwargs)


def debug(msg, *args, **kwargs):
    """Logs ``msg % args`` at ``DEBUG`` (10) on the ``tensorflow`` logger.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.debug("step %d", 3)

    TF1 equivalent: tf.compat.v1.logging.debug
    """
    _get_logger().debug(msg, *args, stacklevel=2, **kwargs)


def info(msg, *args, **kwargs):
    """Logs ``msg % args`` at ``INFO`` (20) on the ``tensorflow`` logger.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.info("step %d", 3)

    TF1 equivalent: tf.compat.v1.logging.info
    """
    _get_logger().info(msg, *args, stacklevel=2, **kwargs)


def warning(msg, *args, **kwargs):
    """Logs ``msg % args`` at ``WARN`` (30) on the ``tensorflow`` logger.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.warning("loss is %s", "high")

    TF1 equivalent: tf.compat.v1.logging.warning
    """
    _get_logger().warning(msg, *args, stacklevel=2, **kwargs)


def warn(msg, *args, **kwargs):
    """Logs ``msg % args`` at ``WARN`` (30), as :func:`warning`.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.warn("loss is %s", "high")

    TF1 equivalent: tf.compat.v1.logging.warn
    """
    _get_logger().warning(msg, *args, stacklevel=2, **kwargs)


def error(msg, *args, **kwargs):
    """Logs ``msg % args`` at ``ERROR`` (40) on the ``tensorflow`` logger.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.error("no checkpoint in %s", "/tmp/none")

    TF1 equivalent: tf.compat.v1.logging.error
    """
    _get_logger().error(msg, *args, stacklevel=2, **kwargs)


def fatal(msg, *args, **kwargs):
    """Logs at ``FATAL`` (50); as TF1's, it does not exit.

    Args:
        msg: The message, a %-format string.
        *args: The values formatted into ``msg``.
        **kwargs: Passed to Python's ``Logger.log`` (``exc_info``, ...).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logging.fatal("cannot go on")

    TF1 equivalent: tf.compat.v1.logging.fatal
    """
    _get_logger().fatal(msg, *args, stacklevel=2, **kwargs)


_counts: dict = {}


def _count(frame) -> int:
    """How many times the call site (file, line) of ``frame`` has counted before, as TF1's."""
    site = (frame.f_code.co_filename, frame.f_lineno)
    _counts[site] = _counts.get(site, -1) + 1
    return _counts[site]


def log_every_n(level, msg, n, *args):
    """Logs the 1st, (n+1)th, (2n+1)th, ... call from one line of code (per call site, not per
    message).

    Differs from TF1: counted per call site, as TF1 documents; TF1's counter is keyed on the
    first frame outside the caller's file, so every ``log_every_n`` / ``log_first_n`` call of one
    file shares one count there.

    Args:
        level: The level, e.g. ``tf.logging.INFO``.
        msg: The message, a %-format string.
        n: Log one call in every ``n``.
        *args: The values formatted into ``msg``.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> for step in range(5):
        ...     tf.logging.log_every_n(tf.logging.DEBUG, "step %d", 2, step)

    TF1 equivalent: tf.compat.v1.logging.log_every_n
    """
    if _count(sys._getframe(1)) % n == 0:
        _get_logger().log(level, msg, *args, stacklevel=2)


def log_first_n(level, msg, n, *args):
    """Logs the first ``n`` calls from one line of code.

    Differs from TF1: counted per call site, as TF1 documents; TF1's counter is keyed on the
    first frame outside the caller's file, so every ``log_every_n`` / ``log_first_n`` call of one
    file shares one count there.

    Args:
        level: The level, e.g. ``tf.logging.INFO``.
        msg: The message, a %-format string.
        n: How many calls to log.
        *args: The values formatted into ``msg``.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> for step in range(5):
        ...     tf.logging.log_first_n(tf.logging.DEBUG, "step %d", 2, step)

    TF1 equivalent: tf.compat.v1.logging.log_first_n
    """
    if _count(sys._getframe(1)) < n:
        _get_logger().log(level, msg, *args, stacklevel=2)


# -- tf.gfile / tf.io.gfile: local files --------------------------------------------------------------
class GFile:
    """``tf.gfile.GFile`` on the local file system (text in ``"r"``/``"w"``, bytes with ``"b"``).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        name: The file's path.
        mode: ``"r"``, ``"w"``, ``"a"`` (text) or with ``"b"`` (bytes), as Python's ``open``.

    Raises:
        NotFoundError: reading a file that does not exist (also a ``FileNotFoundError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> top = tempfile.mkdtemp()
        >>> path = os.path.join(top, "a.txt")
        >>> with tf.gfile.GFile(path, "w") as f:
        ...     _ = f.write("hello")
        >>> with tf.gfile.GFile(path) as f:
        ...     print(f.read(), f.size())
        hello 5
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.GFile
    """

    def __init__(self, name, mode="r"):
        try:
            self._f = open(name, mode)  # noqa: SIM115 - closed by close/__exit__
        except FileNotFoundError as e:
            raise NotFoundError(None, None, f"{name}; No such file or directory") from e

    def __getattr__(self, attr):
        return getattr(self._f, attr)

    def __iter__(self):
        return iter(self._f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()

    def size(self):
        return os.fstat(self._f.fileno()).st_size


def exists(path):
    """``tf.gfile.Exists``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: A local path.

    Returns:
        Whether it exists.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import tempfile
        >>> tf.gfile.Exists(tempfile.gettempdir()), tf.gfile.Exists("/no/such/path")
        (True, False)

    TF1 equivalent: tf.compat.v1.gfile.Exists
    """
    return os.path.exists(path)


def isdir(path):
    """``tf.gfile.IsDirectory``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: A local path.

    Returns:
        Whether it is a directory.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import tempfile
        >>> tf.gfile.IsDirectory(tempfile.gettempdir())
        True

    TF1 equivalent: tf.compat.v1.gfile.IsDirectory
    """
    return os.path.isdir(path)


def glob(pattern):
    """``tf.gfile.Glob``: the matches, sorted.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        pattern: A shell pattern (``*``, ``?``, ``[...]``).

    Returns:
        A sorted list of the matching paths.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> for n in ("b.txt", "a.txt", "c.csv"):
        ...     open(os.path.join(d, n), "w").close()
        >>> [os.path.basename(p) for p in tf.gfile.Glob(os.path.join(d, "*.txt"))]
        ['a.txt', 'b.txt']
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.Glob
    """
    return sorted(_glob.glob(pattern))


def listdir(path):
    """``tf.gfile.ListDirectory``: the names, sorted; ``NotFoundError`` if not a directory.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: A local directory.

    Returns:
        The sorted names of its entries.

    Raises:
        NotFoundError: ``path`` is not a directory.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> tf.gfile.MakeDirs(os.path.join(d, "x", "y"))
        >>> tf.gfile.ListDirectory(d)
        ['x']
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.ListDirectory
    """
    if not os.path.isdir(path):
        raise NotFoundError(None, None, f"Could not find directory {path}")
    return sorted(os.listdir(path))


def makedirs(path):
    """``tf.gfile.MakeDirs``: the directory and its parents (none missing is fine).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: The directory to make.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> top = tempfile.mkdtemp()
        >>> d = os.path.join(top, "a", "b")
        >>> tf.gfile.MakeDirs(d)
        >>> tf.gfile.IsDirectory(d)
        True
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.MakeDirs
    """
    os.makedirs(path, exist_ok=True)


def mkdir(path):
    """``tf.gfile.MkDir``: one directory; its parent must exist (``NotFoundError``); as TF1's, an
    existing path is no error.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: The directory to make.

    Returns:
        None.

    Raises:
        NotFoundError: its parent does not exist.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> top = tempfile.mkdtemp()
        >>> d = os.path.join(top, "a")
        >>> tf.gfile.MkDir(d)
        >>> tf.gfile.IsDirectory(d)
        True
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.MkDir
    """
    try:
        os.mkdir(path)
    except FileNotFoundError:
        raise NotFoundError(None, None, f"{path}; No such file or directory") from None
    except FileExistsError:
        pass  # TF1's gfile.mkdir returns quietly for an existing path (directory or file)


def remove(path):
    """``tf.gfile.Remove``; ``NotFoundError`` if missing.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: The file to delete.

    Returns:
        None.

    Raises:
        NotFoundError: it does not exist.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> top = tempfile.mkdtemp()
        >>> path = os.path.join(top, "a.txt")
        >>> open(path, "w").close()
        >>> tf.gfile.Remove(path)
        >>> tf.gfile.Exists(path)
        False
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.Remove
    """
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{path}; No such file or directory")
    os.remove(path)


def rmtree(path):
    """``tf.gfile.DeleteRecursively``; ``NotFoundError`` if missing.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        path: The directory (or file) to delete with everything under it.

    Returns:
        None.

    Raises:
        NotFoundError: it does not exist.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> tf.gfile.MakeDirs(os.path.join(d, "x"))
        >>> tf.gfile.DeleteRecursively(d)
        >>> tf.gfile.Exists(d)
        False

    TF1 equivalent: tf.compat.v1.gfile.DeleteRecursively
    """
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{path}; No such file or directory")
    shutil.rmtree(path)


def rename(src, dst, overwrite=False):
    """``tf.gfile.Rename``: a file or directory; ``NotFoundError`` if ``src`` is missing,
    ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        src: The path to move.
        dst: Its new path.
        overwrite: Whether an existing ``dst`` is replaced.

    Returns:
        None.

    Raises:
        NotFoundError: ``src`` does not exist.
        AlreadyExistsError: ``dst`` exists and ``overwrite`` is False.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> open(os.path.join(d, "a"), "w").close()
        >>> tf.gfile.Rename(os.path.join(d, "a"), os.path.join(d, "b"))
        >>> tf.gfile.ListDirectory(d)
        ['b']
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.Rename
    """
    if not os.path.exists(src):
        raise NotFoundError(None, None, f"{src}; No such file or directory")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"tf.gfile.Rename: {dst} exists; pass overwrite=True")
    os.replace(src, dst)


def copy(src, dst, overwrite=False):
    """``tf.gfile.Copy``; ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        src: The file to copy.
        dst: The copy's path.
        overwrite: Whether an existing ``dst`` is replaced.

    Returns:
        None.

    Raises:
        NotFoundError: ``src`` does not exist.
        AlreadyExistsError: ``dst`` exists and ``overwrite`` is False.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> open(os.path.join(d, "a"), "w").close()
        >>> tf.gfile.Copy(os.path.join(d, "a"), os.path.join(d, "b"))
        >>> tf.gfile.ListDirectory(d)
        ['a', 'b']
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.Copy
    """
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"tf.gfile.Copy: {dst} exists; pass overwrite=True")
    shutil.copyfile(src, dst)


def walk(top, topdown=True, onerror=None):
    """``tf.io.gfile.walk``: ``(dirname, subdirs, files)`` for ``top`` and every directory under it
    (nothing for a missing ``top``).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        top: The directory to walk.
        topdown: Whether a directory comes before its subdirectories.
        onerror: Called with the ``OSError`` when a directory cannot be listed, or ``None``.

    Returns:
        An iterator of ``(dirname, subdirs, files)``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> tf.gfile.MakeDirs(os.path.join(d, "x"))
        >>> [(os.path.relpath(p, d), s, f) for p, s, f in tf.io.gfile.walk(d)]
        [('.', ['x'], []), ('x', [], [])]
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.io.gfile.walk
    """
    return os.walk(top, topdown=topdown, onerror=onerror)


def Walk(top, in_order=True):  # noqa: N802 - TF1's name
    """``tf.gfile.Walk``: as :func:`walk`, parents first when ``in_order``, else last.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).

    Args:
        top: The directory to walk.
        in_order: Whether a directory comes before its subdirectories.

    Returns:
        An iterator of ``(dirname, subdirs, files)``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import os, tempfile
        >>> d = top = tempfile.mkdtemp()
        >>> tf.gfile.MakeDirs(os.path.join(d, "x"))
        >>> [os.path.relpath(p, d) for p, _, _ in tf.gfile.Walk(d, in_order=False)]
        ['x', '.']
        >>> tf.gfile.DeleteRecursively(top)

    TF1 equivalent: tf.compat.v1.gfile.Walk
    """
    return os.walk(top, topdown=in_order)


# -- tf.app.run --------------------------------------------------------------------------------------
def run(main=None, argv=None):
    """Parses absl flags from ``argv`` and calls ``main(argv)`` (``__main__.main`` by default), then
    exits with its return value, as TF1's ``tf.app.run``.

    Args:
        main: The function called with the remaining ``argv`` (``None``: ``__main__.main``).
        argv: The command line, or ``None`` (``sys.argv``).

    Raises:
        SystemExit: always, with ``main``'s return value (as ``absl.app.run``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> def main(argv):
        ...     print("flags parsed; arguments:", argv[1:])
        >>> callable(tf.app.run)
        True

    TF1 equivalent: tf.compat.v1.app.run
    """
    from absl import app

    main = main or sys.modules["__main__"].main
    app.run(main, argv=argv)
