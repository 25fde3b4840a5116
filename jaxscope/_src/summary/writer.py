"""TF1's ``tf.summary.FileWriter``: TensorBoard event files written without TensorFlow.

An event file is a TFRecord file (``length``, its masked CRC32C, the data, its masked CRC32C) of
serialized ``Event`` protos; the first says ``file_version: "brain.Event:2"``. Its name is TF1's:
``events.out.tfevents.<seconds>.<hostname><filename_suffix>``.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from typing import Any

import google_crc32c

from jaxscope._src.summary import proto
from jaxscope._src.summary.errors import SummaryArgumentError
from jaxscope._src.summary.values import Summary


def _masked_crc(data: bytes) -> int:
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """One TFRecord."""
    length = struct.pack("<Q", len(data))
    return (
        length
        + struct.pack("<I", _masked_crc(length))
        + data
        + struct.pack("<I", _masked_crc(data))
    )


class FileWriter:
    """Writes summaries to a TensorBoard event file in ``logdir`` (made if missing).

    Args:
      logdir: the directory of the event file.
      graph: must be None (jaxscope has no graph to show).
      max_queue: events kept before they are written.
      flush_secs: the longest an event waits before it is written.
      graph_def: must be None, as ``graph``.
      filename_suffix: appended to the event file's name.
      session: ignored, as TF1 ignores it without ``tf.contrib.summary``.

    Example:
      >>> import tempfile, jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> def model(x):
      ...     with tf.name_scope("train"):
      ...         tf.summary.scalar("loss", tf.reduce_mean(x))
      ...     return {"summary": tf.summary.merge_all()}
      >>> out = js.transform(model).apply({}, jnp.arange(4.0))
      >>> out["summary"].tags
      ['train/loss']
      >>> with tf.summary.FileWriter(tempfile.mkdtemp()) as writer:
      ...     writer.add_summary(out["summary"], global_step=1)

    TF1 equivalent: tf.compat.v1.summary.FileWriter
    """

    def __init__(
        self,
        logdir: str | os.PathLike,
        graph: Any = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        graph_def: Any = None,
        filename_suffix: str | None = None,
        session: Any = None,
    ):
        if graph is not None or graph_def is not None:
            raise SummaryArgumentError(
                "FileWriter", "a graph was given, and jaxscope has no graph to write",
                "Leave it out: tf.summary.FileWriter(logdir).",
            )  # fmt: skip
        self._logdir = os.fspath(logdir)
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._suffix = filename_suffix or ""
        self._seen_tags: set[str] = set()
        self._file: Any = None
        self.reopen()

    def get_logdir(self) -> str:
        """The event file's directory."""
        return self._logdir

    def reopen(self) -> None:
        """Opens a new event file after :meth:`close` (a no-op while one is open)."""
        if self._file is not None:
            return
        os.makedirs(self._logdir, exist_ok=True)
        now = time.time()
        base = os.path.join(
            self._logdir, f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}"
        )
        path, n = base + self._suffix, 0
        while os.path.exists(path):  # two writers in one second: keep the other's file
            n += 1
            path = f"{base}.{n}{self._suffix}"
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115 (closed by close())
        self._queue: list[bytes] = []
        self._last_flush = now
        self._file.write(record(proto.event(now, file_version="brain.Event:2")))
        self._file.flush()

    def add_summary(self, summary, global_step: int | None = None) -> None:
        """Adds a summary at ``global_step``: a :class:`Summary` (what a summary op, ``merge`` or
        ``merge_all`` returned, fetched from the program), or a serialized ``Summary`` proto
        (bytes, or a protobuf message)."""
        if isinstance(summary, Summary):
            data = summary.SerializeToString(self._seen_tags)
        elif isinstance(summary, bytes):
            data = summary
        elif hasattr(summary, "SerializeToString"):
            data = summary.SerializeToString()
        else:
            raise SummaryArgumentError(
                "FileWriter.add_summary",
                f"got {type(summary).__name__}, not a summary",
                "Pass what tf.summary.merge_all() (or a summary op) returned, fetched from the "
                "program: writer.add_summary(out['summary'], step).",
            )
        self._add(proto.event(time.time(), _step(global_step), summary=data))

    def add_event(self, event) -> None:
        """Adds an ``Event`` (a protobuf message or its serialized bytes) as it is."""
        self._add(event if isinstance(event, bytes) else event.SerializeToString())

    def _add(self, data: bytes) -> None:
        if self._file is None:
            raise SummaryArgumentError("FileWriter", "it is closed",
                                       "Call writer.reopen() before adding more.")  # fmt: skip
        self._queue.append(record(data))
        if (
            len(self._queue) >= self._max_queue
            or time.time() - self._last_flush >= self._flush_secs
        ):
            self.flush()

    def flush(self) -> None:
        """Writes the queued events to disk."""
        if self._file is None:
            return
        self._file.write(b"".join(self._queue))
        self._file.flush()
        self._queue.clear()
        self._last_flush = time.time()

    def close(self) -> None:
        """Flushes and closes the event file (:meth:`reopen` starts a new one)."""
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _step(global_step) -> int | None:
    return None if global_step is None else int(global_step)
