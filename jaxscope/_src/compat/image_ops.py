"""TF1's ``tf.image`` ops besides resizing: flips, crops and pads, dtype conversion, colour
adjustments, per-image statistics, gradients and patches, with TF1's signatures, dtype rules and
build-time errors. Images are 3-D ``[height, width, channels]`` or 4-D ``[batch, ...]``.

The ``random_*`` ops draw from the transformed function's rng stream (as ``tf.random_uniform``
does: their distributions are TF1's, their values are not TF1's Philox stream).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, op_name, static_ints
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError, _OpError
from jaxscope._src.compat.random_ops import rng_key


class ImageDtypeError(_OpError, AttributeError):
    """``tf.image.convert_image_dtype`` given a dtype that is neither float nor integer: an
    ``AttributeError``, the class TF1 raises there."""


def _image(op: str, image, ranks=(3, 4), arg: str = "image") -> jax.Array:
    """``image`` as a tensor of a rank in ``ranks`` (``None``: at least 3) whose last three
    dimensions are non-empty, as TF1's ``_CheckAtLeast3DImage`` refuses at build time."""
    x = convert(image, op=op, arg=arg)
    if x.ndim < 3:
        raise OpArgumentError(
            op, f"'{arg}' (shape {list(x.shape)}) must be at least three-dimensional."
        )
    if ranks is not None and x.ndim not in ranks:
        raise OpArgumentError(
            op, f"'{arg}' (shape {list(x.shape)}) must have either 3 or 4 dimensions."
        )
    if 0 in x.shape[-3:]:
        raise OpArgumentError(op, f"inner 3 dims of '{arg}.shape' must be > 0: {list(x.shape)}.")
    return x


def _int(op: str, v, arg: str) -> int:
    (i,) = static_ints(op, v, arg)
    return i


# -- flips, rotations, crops and pads ------------------------------------------------------------
def flip_left_right(image):
    """``image`` mirrored along its width.

    Args:
        image: A 3-D ``[height, width, channels]`` or 4-D ``[batch, height, width, channels]``
            tensor.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.flip_left_right([[[1], [2]]])[..., 0]
        Array([[2, 1]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.flip_left_right
    """
    op_name(None, "flip_left_right")
    return jnp.flip(_image("image.flip_left_right", image), -2)


def flip_up_down(image):
    """``image`` mirrored along its height.

    Args:
        image: A 3-D ``[height, width, channels]`` or 4-D ``[batch, height, width, channels]``
            tensor.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.flip_up_down([[[1]], [[2]]])[..., 0]
        Array([[2],
               [1]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.flip_up_down
    """
    op_name(None, "flip_up_down")
    return jnp.flip(_image("image.flip_up_down", image), -3)


def _random_flip(op: str, image, axis: int, seed):
    op_name(None, op.split(".")[-1])
    x = _image(op, image)
    shape = (x.shape[0],) + (1,) * 3 if x.ndim == 4 else ()
    flip = jax.random.uniform(rng_key(op, seed), shape) < 0.5
    return jnp.where(flip, jnp.flip(x, axis), x)


def random_flip_left_right(image, seed=None):
    """``image`` mirrored along its width with probability 1/2 (each image of a batch on its own).

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        seed: An op seed, folded into the rng key.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.image.random_flip_left_right(x))
        >>> f.apply({}, tf.ones([2, 2, 1]), rng=jax.random.key(0)).shape
        (2, 2, 1)

    TF1 equivalent: tf.compat.v1.image.random_flip_left_right (draws from jaxscope's rng stream)
    """
    return _random_flip("image.random_flip_left_right", image, -2, seed)


def random_flip_up_down(image, seed=None):
    """``image`` mirrored along its height with probability 1/2 (each image of a batch on its own).

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        seed: An op seed, folded into the rng key.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.image.random_flip_up_down(x))
        >>> f.apply({}, tf.ones([2, 2, 1]), rng=jax.random.key(0)).shape
        (2, 2, 1)

    TF1 equivalent: tf.compat.v1.image.random_flip_up_down (draws from jaxscope's rng stream)
    """
    return _random_flip("image.random_flip_up_down", image, -3, seed)


def rot90(image, k=1, name=None):
    """``image`` rotated counter-clockwise by ``k`` quarter turns (``k`` known when traced).

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        k: The number of quarter turns, an int known when the program is traced.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``image``'s dtype (height and width swapped for odd ``k``).

    Raises:
        ValueError: ``image`` is not 3-D or 4-D, or ``k`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.rot90([[[1], [2]], [[3], [4]]])[..., 0]
        Array([[2, 4],
               [1, 3]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.rot90
    """
    op = "image.rot90"
    op_name(name, "rot90")
    x = _image(op, image)
    return jnp.rot90(x, _int(op, k, "k") % 4, axes=(-3, -2))


def transpose(image, name=None):
    """``image`` with its height and width swapped.

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``image``'s dtype, height and width swapped.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.transpose([[[1], [2]]]).shape
        (2, 1, 1)

    TF1 equivalent: tf.compat.v1.image.transpose
    """
    op_name(name, "transpose")
    return jnp.swapaxes(_image("image.transpose", image), -3, -2)


transpose_image = transpose


def _batched(op: str, image) -> tuple[jax.Array, bool]:
    x = _image(op, image)
    return (x, True) if x.ndim == 4 else (x[None], False)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height x target_width`` window of ``image`` at
    ``(offset_height, offset_width)``; every size known when traced.

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        offset_height: The window's top row.
        offset_width: The window's left column.
        target_height: The window's height.
        target_width: The window's width.

    Returns:
        A jax array ``[..., target_height, target_width, channels]`` of ``image``'s dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D, a size is negative or traced, or the window leaves
            the image.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.crop_to_bounding_box(tf.reshape(tf.range(9), [3, 3, 1]), 1, 1, 2, 2)[..., 0]
        Array([[4, 5],
               [7, 8]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.crop_to_bounding_box
    """
    op = "image.crop_to_bounding_box"
    op_name(None, "crop_to_bounding_box")
    x, batch = _batched(op, image)
    oh, ow = _int(op, offset_height, "offset_height"), _int(op, offset_width, "offset_width")
    th, tw = _int(op, target_height, "target_height"), _int(op, target_width, "target_width")
    _, h, w, _ = x.shape
    for bad, text in [
        (ow < 0, "offset_width must be >= 0."),
        (oh < 0, "offset_height must be >= 0."),
        (tw <= 0, "target_width must be > 0."),
        (th <= 0, "target_height must be > 0."),
        (w < tw + ow, "width must be >= target + offset."),
        (h < th + oh, "height must be >= target + offset."),
    ]:
        if bad:
            raise OpArgumentError(op, text)
    out = x[:, oh : oh + th, ow : ow + tw]
    return out if batch else out[0]


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """``image`` zero-padded to ``target_height x target_width`` with its top-left corner at
    ``(offset_height, offset_width)``.

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        offset_height: Rows of zeros added above.
        offset_width: Columns of zeros added on the left.
        target_height: The output's height.
        target_width: The output's width.

    Returns:
        A jax array ``[..., target_height, target_width, channels]`` of ``image``'s dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D, a size is negative or traced, or the image does not
            fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.pad_to_bounding_box([[[1]]], 1, 0, 2, 2)[..., 0]
        Array([[0, 0],
               [1, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.pad_to_bounding_box
    """
    op = "image.pad_to_bounding_box"
    op_name(None, "pad_to_bounding_box")
    x, batch = _batched(op, image)
    oh, ow = _int(op, offset_height, "offset_height"), _int(op, offset_width, "offset_width")
    th, tw = _int(op, target_height, "target_height"), _int(op, target_width, "target_width")
    _, h, w, _ = x.shape
    after_h, after_w = th - oh - h, tw - ow - w
    for bad, text in [
        (oh < 0, "offset_height must be >= 0"),
        (ow < 0, "offset_width must be >= 0"),
        (after_w < 0, "width must be <= target - offset"),
        (after_h < 0, "height must be <= target - offset"),
    ]:
        if bad:
            raise OpArgumentError(op, text)
    out = jnp.pad(x, [(0, 0), (oh, after_h), (ow, after_w), (0, 0)])
    return out if batch else out[0]


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """``image`` centrally cropped and/or zero-padded to ``target_height x target_width``.

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        target_height: The output's height.
        target_width: The output's width.

    Returns:
        A jax array ``[..., target_height, target_width, channels]`` of ``image``'s dtype.

    Raises:
        ValueError: ``image`` is not 3-D or 4-D, or a target is not positive or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.resize_image_with_crop_or_pad(tf.reshape(tf.range(9), [3, 3, 1]), 1, 5)[..., 0]
        Array([[0, 3, 4, 5, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.resize_image_with_crop_or_pad
    """
    op = "image.resize_image_with_crop_or_pad"
    op_name(None, "resize_image_with_crop_or_pad")
    x, batch = _batched(op, image)
    th, tw = _int(op, target_height, "target_height"), _int(op, target_width, "target_width")
    if tw <= 0 or th <= 0:
        raise OpArgumentError(op, f"target_{'width' if tw <= 0 else 'height'} must be > 0.")
    _, h, w, _ = x.shape
    dh, dw = th - h, tw - w
    x = crop_to_bounding_box(x, max(-dh // 2, 0), max(-dw // 2, 0), min(th, h), min(tw, w))
    out = pad_to_bounding_box(x, max(dh // 2, 0), max(dw // 2, 0), th, tw)
    return out if batch else out[0]


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in ``(0, 1]``) of ``image``'s height and width.

    Args:
        image: A 3-D or 4-D (batch) image tensor.
        central_fraction: The fraction kept, in ``(0, 1]``, known when the program is traced.

    Returns:
        A jax array of ``image``'s dtype.

    Raises:
        ValueError: ``central_fraction`` is out of range or traced, or ``image`` is not 3-D or 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.central_crop(tf.reshape(tf.range(16), [4, 4, 1]), 0.5)[..., 0]
        Array([[ 5,  6],
               [ 9, 10]], dtype=int32)

    TF1 equivalent: tf.compat.v1.image.central_crop
    """
    op = "image.central_crop"
    op_name(None, "central_crop")
    x = convert(image, op=op, arg="image")
    try:
        frac = float(central_fraction)
    except (jax.errors.ConcretizationTypeError, TypeError):
        raise OpArgumentError(
            op, "central_fraction must be known when the program is traced."
        ) from None
    if frac <= 0.0 or frac > 1.0:
        raise OpArgumentError(op, "central_fraction must be within (0, 1]")
    if frac == 1.0:
        return x
    x = _image(op, x)
    h, w = x.shape[-3:-1]
    top, left = int((h - h * frac) / 2), int((w - w * frac) / 2)
    return x[..., top : h - top, left : w - left, :]


def random_crop(value, size, seed=None, name=None):
    """A random window of shape ``size`` (one offset per dimension, uniform over the valid offsets)
    of ``value``; ``size`` known when traced.

    Differs from TF1: a ``size`` larger than ``value`` raises ValueError when traced (TF1's
    assertion fails when the op runs).

    Args:
        value: A tensor.
        size: The window's shape, one int per dimension of ``value``, known when the program is
            traced.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of shape ``size`` and ``value``'s dtype.

    Raises:
        ValueError: ``size`` does not fit ``value``, or is traced.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.random_crop(x, [2, 2]))
        >>> f.apply({}, tf.ones([4, 4]), rng=jax.random.key(0)).shape
        (2, 2)

    TF1 equivalent: tf.compat.v1.random_crop (draws from jaxscope's rng stream)
    """
    op = "random_crop"
    op_name(name, "random_crop")
    x = convert(value, op=op, arg="value")
    s = static_ints(op, size, "size")
    if len(s) != x.ndim:
        raise OpArgumentError(op, f"size {s} must have one entry per dimension of {x.shape}.")
    if any(a < b for a, b in zip(x.shape, s, strict=True)):
        raise OpArgumentError(
            op, f"Need value.shape >= size, got value.shape {list(x.shape)} and size {s}."
        )
    limit = np.array(x.shape, np.int32) - np.array(s, np.int32) + 1
    offsets = jax.random.randint(rng_key(op, seed), (x.ndim,), 0, limit)
    return jax.lax.dynamic_slice(x, list(offsets), s)


# -- dtypes and colour -------------------------------------------------------------------------
def saturate_cast(value, dtype, name=None):
    """``value`` cast to ``dtype``, clamped first to the range ``dtype`` can hold.

    Args:
        value: A tensor.
        dtype: The dtype to cast to.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``value``'s shape and ``dtype``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.saturate_cast([-5., 300.], tf.uint8)
        Array([  0, 255], dtype=uint8)

    TF1 equivalent: tf.compat.v1.saturate_cast
    """
    op_name(name, "saturate_cast")
    x = convert(value, op="saturate_cast", arg="value")
    to = dtypes.as_dtype(dtype)
    want = jax.dtypes.canonicalize_dtype(to.dtype)
    if x.dtype.kind != "c" and to.is_complex:
        return x.astype(want)
    x = jnp.real(x) if x.dtype.kind == "c" else x
    src = dtypes.as_dtype(x.dtype)
    if src.is_bool or to.is_bool:  # TF1: "Cannot find minimum value of <dtype: 'bool'>"
        raise OpTypeError(
            "saturate_cast",
            f"bool has no range to saturate to ({src.name} -> {to.name}).",
            "tf.cast(value, dtype) casts to or from bool.",
        )
    lo, hi = float(max(src.min, to.min)), float(min(src.max, to.max))
    if src.min < to.min or src.max > to.max:
        x = jnp.clip(x, _bound(lo, x.dtype, up=True), _bound(hi, x.dtype, up=False))
    return x.astype(want)


def _bound(v: float, dtype, up: bool):
    """``v`` in ``dtype``, rounded into the range when ``dtype`` cannot hold it exactly."""
    b = np.asarray(v).astype(dtype)
    if np.dtype(dtype).kind == "f" and (float(b) < v if up else float(b) > v):
        b = np.nextafter(b, np.asarray(np.inf if up else -np.inf, dtype))
    return b


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """``image`` in ``dtype`` with TF1's scaling: floats are in ``[0, 1]``, integers in
    ``[0, MAX]``; integer-to-integer scales by the ratio of the ranges; ``saturate`` clamps before
    casting (without it an out-of-range value wraps, as TF1's cast).

    Args:
        image: A tensor of an integer or float dtype.
        dtype: The dtype to convert to.
        saturate: Whether to clamp to ``dtype``'s range before casting.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``image``'s shape and ``dtype``.

    Raises:
        TypeError: ``image`` or ``dtype`` is not an integer or float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.convert_image_dtype(tf.constant([0, 51, 255], tf.uint8), tf.float32)
        Array([0.        , 0.20000002, 1.        ], dtype=float32)
        >>> tf.image.convert_image_dtype([0., 0.5, 1.], tf.uint8)
        Array([  0, 127, 255], dtype=uint8)

    TF1 equivalent: tf.compat.v1.image.convert_image_dtype
    """
    op = "image.convert_image_dtype"
    x = convert(image, op=op, arg="image")
    to, src = dtypes.as_dtype(dtype), dtypes.as_dtype(x.dtype)
    for d, what in ((to, "dtype"), (src, "image dtype")):
        if not (d.is_floating or d.is_integer):
            raise ImageDtypeError(
                op, f"{what} must be either floating point or integer, got {d.name}."
            )
    if to == src:
        op_name(name, "Identity")
        return x
    op_name(name, "convert_image")
    cast = saturate_cast if saturate else (lambda v, d: v.astype(_canon(d)))
    if src.is_integer and to.is_integer:
        if src.max > to.max:
            return cast(jnp.floor_divide(x, (src.max + 1) // (to.max + 1)), to)
        scale = (to.max + 1) // (src.max + 1)
        return cast(x, to) * jnp.asarray(scale, _canon(to))
    if src.is_floating and to.is_floating:
        return x.astype(_canon(to))
    if src.is_integer:
        return x.astype(_canon(to)) * jnp.asarray(1.0 / src.max, _canon(to))
    return cast(x * jnp.asarray(to.max + 0.5, x.dtype), to)


def _canon(d) -> np.dtype:
    return jax.dtypes.canonicalize_dtype(dtypes.as_dtype(d).dtype)


def _as_float(op: str, image):
    """TF1's pattern of the colour ops: float16/float32 images as they are, others as float32
    (integers scaled to [0, 1])."""
    x = convert(image, op=op, arg="image")
    as_is = x.dtype in (np.float16, np.float32)
    return x, (x if as_is else convert_image_dtype(x, "float32"))


def rgb_to_grayscale(images, name=None):
    """``images`` ``[..., 3]`` as ``[..., 1]`` luma (ITU-R 601 weights), in their dtype.

    Args:
        images: A tensor ``[..., 3]``.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array ``[..., 1]`` of ``images``' dtype.

    Raises:
        ValueError: the last dimension is not 3.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.rgb_to_grayscale([[1., 1., 1.]])
        Array([[0.99990004]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.rgb_to_grayscale
    """
    op_name(name, "rgb_to_grayscale")
    x = convert(images, op="image.rgb_to_grayscale", arg="images")
    flt = convert_image_dtype(x, "float32")
    gray = jnp.tensordot(flt, jnp.array([0.2989, 0.587, 0.114], jnp.float32), [[-1], [0]])
    return convert_image_dtype(gray[..., None], x.dtype)


def grayscale_to_rgb(images, name=None):
    """``images`` ``[..., 1]`` repeated to ``[..., 3]``.

    Args:
        images: A tensor ``[..., 1]``.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array ``[..., 3]`` of ``images``' dtype.

    Raises:
        ValueError: the last dimension is not 1.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.grayscale_to_rgb([[0.5]])
        Array([[0.5, 0.5, 0.5]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.grayscale_to_rgb
    """
    op = "image.grayscale_to_rgb"
    op_name(name, "grayscale_to_rgb")
    x = convert(images, op=op, arg="images")
    if x.ndim < 2 or x.shape[-1] != 1:
        raise OpArgumentError(
            op, f"images (shape {list(x.shape)}) must be at least 2-D with a last dimension of 1."
        )
    return jnp.tile(x, (1,) * (x.ndim - 1) + (3,))


def adjust_brightness(image, delta):
    """``image + delta`` (on [0, 1] floats for integer images, saturated back to their dtype).

    Args:
        image: An image tensor, float or integer.
        delta: The amount added (on the ``[0, 1]`` scale).

    Returns:
        A jax array of ``image``'s shape and dtype.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.adjust_brightness([0.2, 0.5], 0.1)
        Array([0.3, 0.6], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.adjust_brightness
    """
    op_name(None, "adjust_brightness")
    x, flt = _as_float("image.adjust_brightness", image)
    out = flt + convert(delta, op="image.adjust_brightness", arg="delta").astype(flt.dtype)
    return convert_image_dtype(out, x.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """``(x - mean) * contrast_factor + mean`` with each channel's mean over height and width.

    Differs from TF1: it has a gradient; TF1 defines none for ``AdjustContrastv2``.

    Args:
        images: A tensor ``[..., height, width, channels]``, rank at least 3.
        contrast_factor: The factor the deviations from the mean are multiplied by.

    Returns:
        A jax array of ``images``' shape and dtype.

    Raises:
        ValueError: ``images`` has rank below 3.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.adjust_contrast([[[1.], [3.]]], 2.)[..., 0]
        Array([[0., 4.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.adjust_contrast
    """
    op = "image.adjust_contrast"
    op_name(None, "adjust_contrast")
    x, flt = _as_float(op, images)
    if flt.ndim < 3:
        raise OpArgumentError(op, f"images must be at least 3-D, got shape {list(flt.shape)}.")
    factor = convert(contrast_factor, op=op, arg="contrast_factor").astype(jnp.float32)
    f = flt.astype(jnp.float32)
    mean = jnp.mean(f, axis=(-3, -2), keepdims=True)
    out = ((f - mean) * factor + mean).astype(flt.dtype)
    return convert_image_dtype(out, x.dtype, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """:func:`adjust_brightness` by a delta uniform in ``[-max_delta, max_delta)``.

    Args:
        image: An image tensor.
        max_delta: The largest delta, a non-negative float.
        seed: An op seed, folded into the rng key.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``max_delta`` is negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.image.random_brightness(x, 0.1))
        >>> y = f.apply({}, tf.zeros([2, 2, 1]), rng=jax.random.key(0))
        >>> bool(tf.reduce_all(tf.abs(y) <= 0.1))
        True

    TF1 equivalent: tf.compat.v1.image.random_brightness (draws from jaxscope's rng stream)
    """
    op = "image.random_brightness"
    if max_delta < 0:
        raise OpArgumentError(op, "max_delta must be non-negative.")
    delta = jax.random.uniform(rng_key(op, seed), (), jnp.float32, -max_delta, max_delta)
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """:func:`adjust_contrast` by a factor uniform in ``[lower, upper)``.

    Args:
        image: A tensor ``[..., height, width, channels]``.
        lower: The smallest factor, >= 0.
        upper: The largest factor, > ``lower``.
        seed: An op seed, folded into the rng key.

    Returns:
        A jax array of ``image``'s shape and dtype.

    Raises:
        ValueError: ``lower``/``upper`` are out of order or negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.image.random_contrast(x, 0.5, 1.5))
        >>> f.apply({}, tf.ones([2, 2, 1]), rng=jax.random.key(0))[..., 0]
        Array([[1., 1.],
               [1., 1.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.random_contrast (draws from jaxscope's rng stream)
    """
    op = "image.random_contrast"
    if upper <= lower:
        raise OpArgumentError(op, "upper must be > lower.")
    if lower < 0:
        raise OpArgumentError(op, "lower must be non-negative.")
    factor = jax.random.uniform(rng_key(op, seed), (), jnp.float32, lower, upper)
    return adjust_contrast(image, factor)


def per_image_standardization(image):
    """``(x - mean) / max(stddev, 1 / sqrt(num_elements))`` per image, in float32.

    Args:
        image: A 3-D image or a 4-D batch of them.

    Returns:
        A float32 jax array of ``image``'s shape.

    Raises:
        ValueError: ``image`` has rank below 3.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.per_image_standardization([[[1.], [3.]]])[..., 0]
        Array([[-1.,  1.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.image.per_image_standardization
    """
    op_name(None, "per_image_standardization")
    x = _image("image.per_image_standardization", image, None).astype(jnp.float32)
    n = np.prod(x.shape[-3:])
    mean = jnp.mean(x, axis=(-3, -2, -1), keepdims=True)
    std = jnp.sqrt(jnp.mean(jnp.square(x - mean), axis=(-3, -2, -1), keepdims=True))
    return (x - mean) / jnp.maximum(std, jax.lax.rsqrt(jnp.float32(n)))


# -- statistics and patches -----------------------------------------------------------------------
def image_gradients(image):
    """``(dy, dx)``: forward differences of 4-D ``image`` along height and width, the last row
    (column) zero.

    Args:
        image: A 4-D tensor ``[batch, height, width, channels]``.

    Returns:
        A pair ``(dy, dx)`` of jax arrays of ``image``'s shape and dtype.

    Raises:
        ValueError: ``image`` is not 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> dy, dx = tf.image.image_gradients([[[[1.], [3.]], [[2.], [7.]]]])
        >>> dy[0, ..., 0], dx[0, ..., 0]
        (Array([[1., 4.],
               [0., 0.]], dtype=float32), Array([[2., 0.],
               [5., 0.]], dtype=float32))

    TF1 equivalent: tf.compat.v1.image.image_gradients
    """
    op = "image.image_gradients"
    op_name(None, "image_gradients")
    x = convert(image, op=op, arg="image")
    if x.ndim != 4:
        raise OpArgumentError(
            op,
            f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {list(x.shape)}.",
        )
    dy = jnp.pad(x[:, 1:] - x[:, :-1], [(0, 0), (0, 1), (0, 0), (0, 0)])
    dx = jnp.pad(x[:, :, 1:] - x[:, :, :-1], [(0, 0), (0, 0), (0, 1), (0, 0)])
    return dy, dx


def total_variation(images, name=None):
    """The sum of absolute differences of neighbouring pixels: a scalar for a 3-D image, one per
    image ``[batch]`` for 4-D.

    Args:
        images: A 3-D image or a 4-D batch of them.
        name: The op's name scope, as in TF1.

    Returns:
        A jax scalar (3-D) or a ``[batch]`` array (4-D) of ``images``' dtype.

    Raises:
        ValueError: ``images`` is not 3-D or 4-D.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.image.total_variation([[[1.], [3.]], [[2.], [7.]]])
        Array(12., dtype=float32)

    TF1 equivalent: tf.compat.v1.image.total_variation
    """
    op = "image.total_variation"
    op_name(name, "total_variation")
    x = convert(images, op=op, arg="images")
    if x.ndim not in (3, 4):
        raise OpArgumentError(op, "'images' must be either 3 or 4-dimensional.")
    axes = (-3, -2, -1)
    d1 = jnp.abs(x[..., 1:, :, :] - x[..., :-1, :, :])
    d2 = jnp.abs(x[..., :, 1:, :] - x[..., :, :-1, :])
    return jnp.sum(d1, axes) + jnp.sum(d2, axes)


def _four(op: str, v, arg: str) -> tuple[int, int]:
    s = static_ints(op, v, arg) if v is not None else []
    if len(s) != 4 or s[0] != 1 or s[3] != 1:
        raise OpArgumentError(op, f"{arg} must be [1, rows, cols, 1], got {v!r}.")
    return s[1], s[2]


def extract_image_patches(
    images, ksizes=None, strides=None, rates=None, padding=None, name=None, sizes=None
):
    """The ``ksizes`` patches of 4-D ``images`` (every ``strides`` pixels, taps ``rates`` apart,
    ``padding`` ``"SAME"`` or ``"VALID"``), each flattened in (row, column, channel) order to the
    depth of ``[batch, out_rows, out_cols, rows * cols * depth]``.

    Args:
        images: A 4-D tensor ``[batch, rows, cols, depth]``.
        ksizes: The patch size ``[1, rows, cols, 1]`` (give ``ksizes`` or ``sizes``).
        strides: ``[1, stride_rows, stride_cols, 1]``.
        rates: ``[1, rate_rows, rate_cols, 1]``: the distance between a patch's taps.
        padding: ``"SAME"`` or ``"VALID"``.
        name: The op's name scope, as in TF1.
        sizes: TF2's name of ``ksizes``.

    Returns:
        A jax array ``[batch, out_rows, out_cols, rows * cols * depth]`` of ``images``' dtype.

    Raises:
        ValueError: the arguments do not fit (rank, lengths, padding).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> x = tf.reshape(tf.range(16), [1, 4, 4, 1])
        >>> tf.extract_image_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")[0, 0]
        Array([[0, 1, 4, 5],
               [2, 3, 6, 7]], dtype=int32)

    TF1 equivalent: tf.compat.v1.extract_image_patches
    """
    op = "extract_image_patches"
    op_name(name, "ExtractImagePatches")
    if sizes is not None:
        if ksizes is not None:
            raise OpArgumentError(op, "cannot specify both 'sizes' and 'ksizes'.")
        ksizes = sizes
    x = convert(images, op=op, arg="images")
    if x.ndim != 4:
        raise OpArgumentError(op, f"images must be 4-D, got shape {list(x.shape)}.")
    kh, kw = _four(op, ksizes, "ksizes")
    sh, sw = _four(op, strides, "strides")
    rh, rw = _four(op, rates, "rates")
    if padding not in ("SAME", "VALID"):
        raise OpArgumentError(op, f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    pads = []
    outs = []
    for n, k, s, r in ((x.shape[1], kh, sh, rh), (x.shape[2], kw, sw, rw)):
        eff = (k - 1) * r + 1
        if padding == "VALID":
            if eff > n:
                raise OpArgumentError(
                    op,
                    f"a patch spans {eff} pixels (ksize {k}, rate {r}) of a dimension of {n}: "
                    "the output size would be negative with padding VALID.",
                )
            out = (n - eff) // s + 1
            pads.append((0, 0))
        else:
            out = -(-n // s)
            total = max((out - 1) * s + eff - n, 0)
            pads.append((total // 2, total - total // 2))
        outs.append(out)
    b, c = x.shape[0], x.shape[3]
    if 0 in outs:  # an empty image
        return jnp.zeros((b, outs[0], outs[1], kh * kw * c), x.dtype)
    xp = jnp.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    taps = []
    for i in range(kh):
        for j in range(kw):
            start = (0, i * rh, j * rw, 0)
            limit = (b, i * rh + (outs[0] - 1) * sh + 1, j * rw + (outs[1] - 1) * sw + 1, c)
            taps.append(jax.lax.slice(xp, start, limit, (1, sh, sw, 1)))
    return jnp.stack(taps, axis=3).reshape(b, outs[0], outs[1], kh * kw * c)


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """As :func:`extract_image_patches` (``sizes`` is its ``ksizes``).

    Args:
        images: A 4-D tensor ``[batch, rows, cols, depth]``.
        sizes: The patch size ``[1, rows, cols, 1]``.
        strides: ``[1, stride_rows, stride_cols, 1]``.
        rates: ``[1, rate_rows, rate_cols, 1]``.
        padding: ``"SAME"`` or ``"VALID"``.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array ``[batch, out_rows, out_cols, rows * cols * depth]`` of ``images``' dtype.

    Raises:
        ValueError: the arguments do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> x = tf.reshape(tf.range(16), [1, 4, 4, 1])
        >>> tf.image.extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID").shape
        (1, 2, 2, 4)

    TF1 equivalent: tf.compat.v1.image.extract_patches
    """
    return extract_image_patches(images, sizes, strides, rates, padding, name)
