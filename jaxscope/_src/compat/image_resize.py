"""TF1's image resizing (``tf.image.resize_images`` and the ``resize_*`` kernels) with TF1's
coordinate rules: ``align_corners``, ``half_pixel_centers``, the legacy ``x * scale`` mapping, and
each kernel's index clamping and weights (bicubic's 1024-entry weight table included).

Every kernel is separable, so a resize is two static weight matrices, computed with numpy in
float32 as TF1's kernels compute them, applied along the height and width axes (nearest neighbour
gathers instead, keeping the dtype). Gradients are the transposed maps, as TF1's ``*Grad`` kernels.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import convert, op_name, static_ints
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError

_F = np.float32
_TABLE = 1024  # TF1's bicubic weight table has _TABLE + 1 entries per kernel
_RESIZABLE = ("int8", "uint8", "int16", "uint16", "int32", "int64", "float16", "bfloat16",
              "float32", "float64")  # fmt: skip


class ResizeMethod:
    """TF1's ``tf.image.ResizeMethod`` (``ResizeMethodV1``): the ``method`` of
    :func:`resize_images`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.ResizeMethod.NEAREST_NEIGHBOR
        1
        >>> tf.image.resize([[[1.], [2.]]], [1, 4], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)[..., 0]
        Array([[1., 1., 2., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.ResizeMethod
    """

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def _scale(n_in: int, n_out: int, align_corners: bool) -> np.float32:
    if align_corners and n_out > 1:
        return _F(n_in - 1) / _F(n_out - 1)
    return _F(n_in) / _F(n_out)


def _source(n_out: int, scale: np.float32, half_pixel: bool, nn: bool = False) -> np.ndarray:
    """The input coordinate of each output index, in float32 as TF1's scalers compute it."""
    x = np.arange(n_out, dtype=_F)
    if half_pixel:
        return (x + _F(0.5)) * scale if nn else (x + _F(0.5)) * scale - _F(0.5)
    return x * scale


def _bilinear(n_in, n_out, align, half):
    src = _source(n_out, _scale(n_in, n_out, align), half)
    lo_f = np.floor(src)
    lo = np.maximum(lo_f.astype(np.int64), 0)
    hi = np.minimum(np.ceil(src).astype(np.int64), n_in - 1)
    lerp = src - lo_f
    w = np.zeros((n_out, n_in), _F)
    np.add.at(w, (np.arange(n_out), lo), _F(1) - lerp)
    np.add.at(w, (np.arange(n_out), hi), lerp)
    return w


def _cubic_table(a: float) -> np.ndarray:
    x = np.arange(_TABLE + 1, dtype=np.float64) / _TABLE
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + 1
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return np.stack([near, far], 1).astype(_F)


def _bicubic(n_in, n_out, align, half):
    src = _source(n_out, _scale(n_in, n_out, align), half)
    loc = np.floor(src).astype(np.int64)
    offset = np.rint((src - np.floor(src)) * _F(_TABLE)).astype(np.int64)
    table = _cubic_table(-0.5 if half else -0.75)  # Keys' kernel with half-pixel centers
    weights = np.stack(
        [table[offset, 1], table[offset, 0], table[_TABLE - offset, 0], table[_TABLE - offset, 1]],
        1,
    )
    wanted = loc[:, None] + np.arange(-1, 3)
    idx = np.clip(wanted, 0, n_in - 1)
    if half:  # taps outside the image get no weight; the others are renormalized
        weights = np.where(idx == wanted, weights, _F(0))
        total = weights.sum(1, keepdims=True, dtype=_F)
        ok = np.abs(total) >= 1000 * np.finfo(_F).tiny
        weights = np.where(ok, weights / np.where(ok, total, 1), weights)
    w = np.zeros((n_out, n_in), _F)
    np.add.at(w, (np.repeat(np.arange(n_out), 4), idx.ravel()), weights.ravel())
    return w


def _area(n_in, n_out, align, half):
    scale = _scale(n_in, n_out, align)
    w = np.zeros((n_out, n_in), _F)
    for o in range(n_out):
        start, end = _F(o) * scale, _F(o + 1) * scale
        i = int(np.floor(start))
        while i < end:
            if i < start:
                part = scale if i + 1 > end else _F(i + 1) - start
            else:
                part = end - _F(i) if i + 1 > end else _F(1)
            w[o, min(max(i, 0), n_in - 1)] += part
            i += 1
    return w / scale


def _nearest_index(n_in, n_out, align, half):
    src = _source(n_out, _scale(n_in, n_out, align), half, nn=True)
    # roundf rounds halves away from zero; coordinates are >= 0 here
    idx = np.floor(src + _F(0.5)) if align else np.floor(src)
    idx = np.minimum(idx.astype(np.int64), n_in - 1)
    return np.maximum(idx, 0) if half else idx


_KERNELS = {"ResizeBilinear": _bilinear, "ResizeBicubic": _bicubic, "ResizeArea": _area}


def _kernel(op_type, api, images, size, align_corners, half_pixel_centers, name):
    """One of TF1's ``Resize*`` ops: 4-D ``images``, ``size`` ``[new_height, new_width]``."""
    op_name(name, op_type)
    x = convert(images, op=api, arg="images")
    if x.dtype.name not in _RESIZABLE:
        raise OpTypeError(api, f"images has dtype {x.dtype.name}, which the op does not take.")
    if x.ndim != 4:
        raise OpArgumentError(
            api, f"images must be 4-D [batch, height, width, channels], got shape {x.shape}."
        )
    out_h, out_w = _size(api, size)
    if half_pixel_centers and align_corners:  # TF1 refuses when the op runs
        raise OpArgumentError(
            api, "if half_pixel_centers is True, align_corners must be False.", None
        )
    if out_h <= 0 or out_w <= 0 or 0 in x.shape[1:3]:
        raise OpArgumentError(
            api,
            f"input {list(x.shape[1:3])} and output [{out_h}, {out_w}] sizes must be positive.",
        )
    _, h, w, _ = x.shape
    if op_type == "ResizeNearestNeighbor":
        ih = _nearest_index(h, out_h, align_corners, half_pixel_centers)
        iw = _nearest_index(w, out_w, align_corners, half_pixel_centers)
        return jnp.take(jnp.take(x, ih, axis=1), iw, axis=2)
    make = _KERNELS[op_type]
    wh = make(h, out_h, align_corners, half_pixel_centers)
    ww = make(w, out_w, align_corners, half_pixel_centers)
    hi = jax.lax.Precision.HIGHEST
    y = jnp.einsum("oh,bhwc->bowc", wh, x.astype(jnp.float32), precision=hi)
    return jnp.einsum("pw,bowc->bopc", ww, y, precision=hi)


def _size(api: str, size) -> tuple[int, int]:
    if np.ndim(size) != 1 or np.shape(size)[0] != 2:
        raise OpArgumentError(
            api, f"size must be a 1-D tensor of 2 elements: new_height, new_width; got {size!r}."
        )
    if not isinstance(size, jax.core.Tracer) and np.asarray(size).dtype.kind not in "iu":
        raise OpArgumentError(api, f"size must be a 1-D int32 tensor, got {size!r}.")
    h, w = static_ints(api, size, "size")
    return h, w


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bilinear resize of 4-D ``images`` to ``size``; float32 out whatever the input dtype.

    Args:
        images: A 4-D tensor ``[batch, height, width, channels]``.
        size: ``[new_height, new_width]``, ints known when the program is traced.
        align_corners: Whether the corner pixels of input and output are aligned.
        name: The op's name scope, as in TF1.
        half_pixel_centers: Whether pixel centers are at half-integer coordinates.

    Returns:
        A float32 jax array ``[batch, new_height, new_width, channels]``.

    Raises:
        ValueError: ``images`` is not 4-D, ``size`` is malformed or traced, or ``align_corners`` and
            ``half_pixel_centers`` are both True.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize_bilinear([[[[0.], [2.]]]], [1, 4])[0, ..., 0]
        Array([[0., 1., 2., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.resize_bilinear
    """
    return _kernel(
        "ResizeBilinear",
        "image.resize_bilinear",
        images,
        size,
        align_corners,
        half_pixel_centers,
        name,
    )


def resize_nearest_neighbor(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Nearest-neighbour resize of 4-D ``images`` to ``size``; keeps the dtype.

    Args:
        images: A 4-D tensor ``[batch, height, width, channels]``.
        size: ``[new_height, new_width]``, ints known when the program is traced.
        align_corners: Whether the corner pixels of input and output are aligned.
        name: The op's name scope, as in TF1.
        half_pixel_centers: Whether pixel centers are at half-integer coordinates.

    Returns:
        A jax array ``[batch, new_height, new_width, channels]`` of ``images``' dtype.

    Raises:
        ValueError: ``images`` is not 4-D, ``size`` is malformed or traced, or ``align_corners`` and
            ``half_pixel_centers`` are both True.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize_nearest_neighbor([[[[1], [2]]]], [1, 4])[0, ..., 0]
        Array([[1, 1, 2, 2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.resize_nearest_neighbor
    """
    return _kernel(
        "ResizeNearestNeighbor",
        "image.resize_nearest_neighbor",
        images,
        size,
        align_corners,
        half_pixel_centers,
        name,
    )


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bicubic resize of 4-D ``images`` to ``size`` (TF1's kernel: Keys' a = -0.75, or -0.5 with
    ``half_pixel_centers``, weights from TF1's 1024-step table); float32 out.

    Args:
        images: A 4-D tensor ``[batch, height, width, channels]``.
        size: ``[new_height, new_width]``, ints known when the program is traced.
        align_corners: Whether the corner pixels of input and output are aligned.
        name: The op's name scope, as in TF1.
        half_pixel_centers: Whether pixel centers are at half-integer coordinates.

    Returns:
        A float32 jax array ``[batch, new_height, new_width, channels]``.

    Raises:
        ValueError: ``images`` is not 4-D, ``size`` is malformed or traced, or ``align_corners`` and
            ``half_pixel_centers`` are both True.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize_bicubic(tf.ones([1, 2, 2, 1]), [3, 3])[0, ..., 0]
        Array([[1., 1., 1.],
               [1., 1., 1.],
               [1., 1., 1.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.resize_bicubic
    """
    return _kernel(
        "ResizeBicubic",
        "image.resize_bicubic",
        images,
        size,
        align_corners,
        half_pixel_centers,
        name,
    )


def resize_area(images, size, align_corners=False, name=None):
    """Area (box-average) resize of 4-D ``images`` to ``size``; float32 out.

    Differs from TF1: it has a gradient (the transposed box average); TF1 defines none for
    ``ResizeArea``.

    Args:
        images: A 4-D tensor ``[batch, height, width, channels]``.
        size: ``[new_height, new_width]``, ints known when the program is traced.
        align_corners: Whether the corner pixels of input and output are aligned.
        name: The op's name scope, as in TF1.

    Returns:
        A float32 jax array ``[batch, new_height, new_width, channels]``.

    Raises:
        ValueError: ``images`` is not 4-D, or ``size`` is malformed or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize_area([[[[1.], [3.], [5.], [7.]]]], [1, 2])[0, ..., 0]
        Array([[2., 6.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.resize_area
    """
    return _kernel("ResizeArea", "image.resize_area", images, size, align_corners, False, name)


_BY_METHOD = {
    ResizeMethod.BILINEAR: "ResizeBilinear",
    ResizeMethod.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
    ResizeMethod.BICUBIC: "ResizeBicubic",
    ResizeMethod.AREA: "ResizeArea",
    "bilinear": "ResizeBilinear",
    "nearest": "ResizeNearestNeighbor",
    "bicubic": "ResizeBicubic",
    "area": "ResizeArea",
}


def _aspect_size(h: int, w: int, new_h: int, new_w: int) -> tuple[int, int]:
    """TF1's ``preserve_aspect_ratio`` size, computed in float32 and rounded half to even."""
    scale = min(_F(new_h) / _F(h), _F(new_w) / _F(w))
    return int(np.rint(scale * _F(h))), int(np.rint(scale * _F(w)))


def resize_images(
    images,
    size,
    method=ResizeMethod.BILINEAR,
    align_corners=False,
    preserve_aspect_ratio=False,
    name=None,
):
    """Resizes 3-D ``[height, width, channels]`` or 4-D ``[batch, ...]`` ``images`` to ``size`` with
    ``method`` (a :class:`ResizeMethod`), TF1's legacy coordinates (no half-pixel centers).

    The result is float32, except for ``NEAREST_NEIGHBOR`` and when ``size`` equals the image's size
    (the images come back as they are, as in TF1). ``preserve_aspect_ratio`` fits the image within
    ``size``.

    Args:
        images: A 3-D ``[height, width, channels]`` or 4-D ``[batch, height, width, channels]``
            tensor.
        size: ``[new_height, new_width]``, ints known when the program is traced.
        method: A :class:`ResizeMethod` value (``BILINEAR``, ``NEAREST_NEIGHBOR``, ``BICUBIC``,
            ``AREA``).
        align_corners: Whether the corner pixels of input and output are aligned.
        preserve_aspect_ratio: Whether to keep the aspect ratio, fitting the image within ``size``.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``images``' rank with the new height and width (float32, except as above).

    Raises:
        ValueError: ``images`` is not 3-D or 4-D, ``size`` is malformed or traced, or ``method`` is
            unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize([[[0.], [2.]]], [1, 4])[..., 0]
        Array([[0., 1., 2., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.resize_images
    """
    api = "image.resize_images"
    op_name(name, "resize")
    x = convert(images, op=api, arg="images")
    if x.ndim not in (3, 4):
        raise OpArgumentError(api, f"'images' must have either 3 or 4 dimensions, got {x.shape}.")
    kernel = _BY_METHOD.get(method)
    if kernel is None:
        raise OpArgumentError(
            api,
            f"Resize method is not implemented: {method!r}.",
            "method=tf.image.ResizeMethod.BILINEAR (or NEAREST_NEIGHBOR, BICUBIC, AREA)",
        )
    batch = x if x.ndim == 4 else x[None]
    new_h, new_w = _size(api, size)
    h, w = batch.shape[1:3]
    if preserve_aspect_ratio:
        new_h, new_w = _aspect_size(h, w, new_h, new_w)
    if (new_h, new_w) == (h, w):
        return x
    out = _kernel(kernel, api, batch, [new_h, new_w], align_corners, False, None)
    return out if x.ndim == 4 else out[0]
