"""TF1's ``tf.logging``, ``tf.gfile`` / ``tf.io.gfile`` (local files) and ``tf.app.run``."""

from __future__ import annotations

import glob as _glob
import logging as _logging
import os
import shutil
import sys

from jaxscope._src.compat.graph import NotFoundError

# -- tf.logging: TF1's API over Python's "tensorflow" logger (TF1's own levels) ----------------------
DEBUG, INFO, WARN, ERROR, FATAL = 10, 20, 30, 40, 50
_logger = _logging.getLogger("tensorflow")


def set_verbosity(v):
    _logger.setLevel(v)


def get_verbosity():
    return _logger.getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    _logger.log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    _logger.debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    _logger.info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    _logger.warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    _logger.error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    _logger.fatal(msg, *args, **kwargs)


_counts: dict = {}


def log_every_n(level, msg, n, *args):
    key = (msg, n)
    _counts[key] = _counts.get(key, 0) + 1
    if (_counts[key] - 1) % n == 0:
        _logger.log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    key = (msg, -n)
    _counts[key] = _counts.get(key, 0) + 1
    if _counts[key] <= n:
        _logger.log(level, msg, *args)


# -- tf.gfile / tf.io.gfile: local files --------------------------------------------------------------
class GFile:
    """``tf.gfile.GFile`` on the local file system (text in ``"r"``/``"w"``, bytes with ``"b"``).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """

    def __init__(self, name, mode="r"):
        try:
            self._f = open(name, mode)  # noqa: SIM115 - closed by close/__exit__
        except FileNotFoundError as e:
            raise NotFoundError(f"{name}; No such file or directory") from e

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
        raise NotFoundError(f"Could not find directory {path}")
    return sorted(os.listdir(path))


def makedirs(path):
    """``tf.gfile.MakeDirs``: the directory and its parents (none missing is fine).

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    os.makedirs(path, exist_ok=True)


def mkdir(path):
    """``tf.gfile.MkDir``.

    Differs from TF1: local paths only; an existing directory raises Python's
    ``FileExistsError`` (TF1: ``tf.errors.AlreadyExistsError``).
    """
    os.mkdir(path)


def remove(path):
    """``tf.gfile.Remove``; ``NotFoundError`` if missing.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if not os.path.exists(path):
        raise NotFoundError(f"{path}; No such file or directory")
    os.remove(path)


def rmtree(path):
    """``tf.gfile.DeleteRecursively``; ``NotFoundError`` if missing.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    if not os.path.exists(path):
        raise NotFoundError(f"{path}; No such file or directory")
    shutil.rmtree(path)


def rename(src, dst, overwrite=False):
    """``tf.gfile.Rename``.

    Differs from TF1: local paths only; an existing ``dst`` without ``overwrite`` raises
    Python's ``FileExistsError`` (TF1: ``tf.errors.AlreadyExistsError``).
    """
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"tf.gfile.Rename: {dst} exists; pass overwrite=True")
    os.replace(src, dst)


def copy(src, dst, overwrite=False):
    """``tf.gfile.Copy``.

    Differs from TF1: local paths only; an existing ``dst`` without ``overwrite`` raises
    Python's ``FileExistsError`` (TF1: ``tf.errors.AlreadyExistsError``).
    """
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"tf.gfile.Copy: {dst} exists; pass overwrite=True")
    shutil.copyfile(src, dst)


def walk(top, topdown=True, onerror=None):
    """``tf.gfile.Walk``: ``os.walk``.

    Differs from TF1: local paths only (TF1's gfile also reaches ``gs://``, ``hdfs://``, ...).
    """
    return os.walk(top, topdown=topdown, onerror=onerror)


# -- tf.app.run --------------------------------------------------------------------------------------
def run(main=None, argv=None):
    """Parses absl flags from ``argv`` and calls ``main(argv)`` (``__main__.main`` by default),
    then exits with its return value, as TF1's ``tf.app.run``."""
    from absl import app

    main = main or sys.modules["__main__"].main
    app.run(main, argv=argv)
