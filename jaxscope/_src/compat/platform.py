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
    _get_logger().setLevel(v)


def get_verbosity():
    return _get_logger().getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    _get_logger().log(level, msg, *args, stacklevel=2, **kwargs)


def debug(msg, *args, **kwargs):
    _get_logger().debug(msg, *args, stacklevel=2, **kwargs)


def info(msg, *args, **kwargs):
    _get_logger().info(msg, *args, stacklevel=2, **kwargs)


def warning(msg, *args, **kwargs):
    _get_logger().warning(msg, *args, stacklevel=2, **kwargs)


def warn(msg, *args, **kwargs):
    _get_logger().warning(msg, *args, stacklevel=2, **kwargs)


def error(msg, *args, **kwargs):
    _get_logger().error(msg, *args, stacklevel=2, **kwargs)


def fatal(msg, *args, **kwargs):
    """Logs at ``FATAL`` (50); as TF1's, it does not exit."""
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
    """
    if _count(sys._getframe(1)) % n == 0:
        _get_logger().log(level, msg, *args, stacklevel=2)


def log_first_n(level, msg, n, *args):
    """Logs the first ``n`` calls from one line of code.

    Differs from TF1: counted per call site, as TF1 documents; TF1's counter is keyed on the
    first frame outside the caller's file, so every ``log_every_n`` / ``log_first_n`` call of one
    file shares one count there.
    """
    if _count(sys._getframe(1)) < n:
        _get_logger().log(level, msg, *args, stacklevel=2)


# -- tf.gfile / tf.io.gfile: local files --------------------------------------------------------------
class GFile:
    """``tf.gfile.GFile`` on the local file system (text in ``"r"``/``"w"``, bytes with ``"b"``).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
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
    """
    return os.path.exists(path)


def isdir(path):
    """``tf.gfile.IsDirectory``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    return os.path.isdir(path)


def glob(pattern):
    """``tf.gfile.Glob``: the matches, sorted.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    return sorted(_glob.glob(pattern))


def listdir(path):
    """``tf.gfile.ListDirectory``: the names, sorted; ``NotFoundError`` if not a directory.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if not os.path.isdir(path):
        raise NotFoundError(None, None, f"Could not find directory {path}")
    return sorted(os.listdir(path))


def makedirs(path):
    """``tf.gfile.MakeDirs``: the directory and its parents (none missing is fine).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    os.makedirs(path, exist_ok=True)


def mkdir(path):
    """``tf.gfile.MkDir``: one directory; its parent must exist (``NotFoundError``); as TF1's, an
    existing path is no error.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
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
    """
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{path}; No such file or directory")
    os.remove(path)


def rmtree(path):
    """``tf.gfile.DeleteRecursively``; ``NotFoundError`` if missing.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{path}; No such file or directory")
    shutil.rmtree(path)


def rename(src, dst, overwrite=False):
    """``tf.gfile.Rename``: a file or directory; ``NotFoundError`` if ``src`` is missing,
    ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if not os.path.exists(src):
        raise NotFoundError(None, None, f"{src}; No such file or directory")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"tf.gfile.Rename: {dst} exists; pass overwrite=True")
    os.replace(src, dst)


def copy(src, dst, overwrite=False):
    """``tf.gfile.Copy``; ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"tf.gfile.Copy: {dst} exists; pass overwrite=True")
    shutil.copyfile(src, dst)


def walk(top, topdown=True, onerror=None):
    """``tf.io.gfile.walk``: ``(dirname, subdirs, files)`` for ``top`` and every directory under
    it (nothing for a missing ``top``).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    return os.walk(top, topdown=topdown, onerror=onerror)


def Walk(top, in_order=True):  # noqa: N802 - TF1's name
    """``tf.gfile.Walk``: as :func:`walk`, parents first when ``in_order``, else last.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    return os.walk(top, topdown=in_order)


# -- tf.app.run --------------------------------------------------------------------------------------
def run(main=None, argv=None):
    """Parses absl flags from ``argv`` and calls ``main(argv)`` (``__main__.main`` by default),
    then exits with its return value, as TF1's ``tf.app.run``."""
    from absl import app

    main = main or sys.modules["__main__"].main
    app.run(main, argv=argv)
