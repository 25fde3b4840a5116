"""jaxscope.compat.v1's tf.image ops against tf.compat.v1: resizing (every kernel, align_corners,
half_pixel_centers, 3-D and 4-D, dtypes), crops and pads, flips, dtype conversion, colour,
statistics and patches. One program text, run on both, compared value for value (dtype, shape,
values; gradients where TF1 has them) and error class for what TF1 refuses. The random ops are
checked for their invariants (TF1's values are its Philox stream's)."""

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, one_per_op, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
F32, F16, BF16, U8, I32 = np.float32, np.float16, ml_dtypes.bfloat16, np.uint8, np.int32


def img(shape, dtype=F32):
    if np.dtype(dtype).kind in "iu":
        return R.randint(0, 256 if dtype is U8 else 100, shape).astype(dtype)
    return R.uniform(0, 1, shape).astype(dtype)


def case(id, fn, inputs=(), grad=False, tol=2e-6, **kw):
    # a gradient case runs as one jitted program: cheaper than eager dispatch of every step
    return Case(id, fn, tuple(inputs), grad=grad, rtol=tol, atol=tol, jit_grad=grad, **kw)


def _resize_cases():
    c = []
    x4, x3 = img((2, 5, 7, 3)), img((4, 6, 2))
    kernels = ["bilinear", "nearest_neighbor", "bicubic", "area"]
    for k in kernels:
        for size in ([3, 4], [8, 11]):
            for align, half in ((False, False), (True, False), (False, True)):
                if k == "area" and half:
                    continue
                kw = {"align_corners": align}
                if k != "area":
                    kw["half_pixel_centers"] = half
                fn = lambda tf, x, k=k, s=size, kw=kw: getattr(tf.image, "resize_" + k)(x, s, **kw)
                grad = k != "area" and size == [3, 4] and not align
                c.append(case(f"{k}_{size[0]}x{size[1]}_{align:d}{half:d}", fn, (x4,), grad, 2e-5))
    u8 = img((1, 4, 5, 2), U8)
    for k in kernels:
        fn = lambda tf, x, k=k: getattr(tf.image, "resize_" + k)(x, [6, 3])
        c.append(case(f"{k}_uint8", fn, (u8,)))
    for dt in (F16, BF16, I32):
        fn = lambda tf, x: tf.image.resize_bilinear(x, [3, 2])
        c.append(case(f"bilinear_{np.dtype(dt).name}", fn, (img((1, 4, 5, 2), dt),), tol=1e-2))
    for m in range(4):
        fn = lambda tf, x, m=m: tf.image.resize_images(x, [5, 9], method=m, align_corners=True)
        c.append(case(f"resize_images_method{m}_3d", fn, (x3,), m != 3, 2e-5))
    c += [
        case("resize_images_same_size_uint8", lambda tf, x: tf.image.resize_images(x, [4, 5]), (u8,)),
        case("resize_images_uint8", lambda tf, x: tf.image.resize_images(x, [2, 3]), (u8,)),
        case(
            "resize_images_method_enum",
            lambda tf, x: tf.image.resize_images(x, [3, 3], tf.image.ResizeMethod.NEAREST_NEIGHBOR),
            (x4,),
        ),
        case(
            "resize_preserve_aspect",
            lambda tf, x: [
                tf.image.resize_images(x, [9, 9], preserve_aspect_ratio=True),
                tf.image.resize_images(x, [3, 20], preserve_aspect_ratio=True),
            ],
            (x4,),
        ),
        case("resize_alias", lambda tf, x: tf.image.resize(x, [3, 3]), (x3,)),
        case("resize_to_one", lambda tf, x: tf.image.resize_bilinear(x, [1, 1], True), (x4,)),
        case("resize_bad_method", lambda tf, x: tf.image.resize_images(x, [2, 2], method=7), (x3,)),
        case("resize_rank2", lambda tf, x: tf.image.resize_images(x[0], [2, 2]), (x3,)),
        case("resize_bad_size", lambda tf, x: tf.image.resize_images(x, [2, 2, 2]), (x3,)),
        case(
            "resize_half_and_align",
            lambda tf, x: tf.image.resize_bilinear(x, [2, 2], True, half_pixel_centers=True),
            (x4,),
            tf_run_time_error=True,
        ),
    ]  # fmt: skip
    return c


def _geometry_cases():
    x3, x4, u8 = img((4, 6, 2)), img((2, 5, 4, 3)), img((5, 4, 3), U8)
    im = lambda tf: tf.image
    c = []
    for x, tag in ((x3, "3d"), (x4, "4d"), (u8, "uint8")):
        c += [
            case(f"flip_lr_{tag}", lambda tf, x: im(tf).flip_left_right(x), (x,), x.dtype == F32),
            case(f"flip_ud_{tag}", lambda tf, x: im(tf).flip_up_down(x), (x,)),
            case(f"transpose_{tag}", lambda tf, x: im(tf).transpose_image(x), (x,)),
            case(
                f"rot90_{tag}",
                lambda tf, x: [im(tf).rot90(x, k) for k in (0, 1, 2, 3, -1, 5)],
                (x,),
            ),
            case(
                f"crop_pad_{tag}",
                lambda tf, x: [
                    im(tf).crop_to_bounding_box(x, 1, 2, 3, 2),
                    im(tf).pad_to_bounding_box(x, 1, 2, 8, 9),
                    im(tf).resize_image_with_crop_or_pad(x, 3, 8),
                    im(tf).resize_with_crop_or_pad(x, 7, 2),
                ],
                (x,),
                x.dtype == F32,
            ),
            case(
                f"central_crop_{tag}",
                lambda tf, x: [im(tf).central_crop(x, f) for f in (0.5, 0.33, 1.0)],
                (x,),
            ),
        ]
    c += [
        case("flip_rank2", lambda tf, x: tf.image.flip_left_right(x[0]), (x3,)),
        case("flip_rank5", lambda tf, x: tf.image.flip_up_down(x[None]), (x4,)),
        case("flip_empty", lambda tf, x: tf.image.flip_up_down(x[:, :0]), (x3,)),
        case("crop_too_big", lambda tf, x: tf.image.crop_to_bounding_box(x, 2, 0, 3, 2), (x3,)),
        case("crop_negative", lambda tf, x: tf.image.crop_to_bounding_box(x, -1, 0, 3, 2), (x3,)),
        case("pad_too_small", lambda tf, x: tf.image.pad_to_bounding_box(x, 1, 0, 4, 6), (x3,)),
        case("crop_or_pad_zero", lambda tf, x: tf.image.resize_with_crop_or_pad(x, 0, 2), (x3,)),
        case("central_crop_zero", lambda tf, x: tf.image.central_crop(x, 0.0), (x3,)),
        case("central_crop_rank5", lambda tf, x: tf.image.central_crop(x[None], 0.5), (x4,)),
    ]
    return c


def _colour_cases():
    f3, f4 = img((3, 4, 3)), img((2, 3, 4, 3))
    u8, i32 = img((3, 4, 3), U8), img((2, 3), I32)
    wide = np.array([[[-0.5], [0.25]], [[0.999], [1.7]]], F32)
    conv = [("float32", "uint8"), ("float32", "int32"), ("uint8", "float32"), ("uint8", "int32"),
            ("uint8", "int16"), ("int32", "uint8"), ("uint8", "float16"), ("float32", "float16"),
            ("uint8", "uint8")]  # fmt: skip
    c = []
    for src, dst in conv:
        x = {"float32": f3, "uint8": u8, "int32": img((3, 4, 3), I32) * 10**7}[src]
        fn = lambda tf, x, d=dst: [
            tf.image.convert_image_dtype(x, getattr(tf, d)),
            tf.image.convert_image_dtype(x, getattr(tf, d), saturate=True),
        ]
        c.append(case(f"convert_{src}_{dst}", fn, (x,), tol=1e-3 if dst == "float16" else 2e-6))
    c += [
        case(
            "convert_saturate",
            lambda tf, x: tf.image.convert_image_dtype(x, tf.uint8, saturate=True),
            (wide,),
        ),
        case("convert_bool_refused", lambda tf, x: tf.image.convert_image_dtype(x > 0, tf.uint8), (f3,)),
        case(
            "saturate_cast",
            lambda tf, x: [tf.saturate_cast(x * 300.0, tf.uint8), tf.dtypes.saturate_cast(x * 1e10, tf.int32),
                           tf.saturate_cast(x, tf.float16)],
            (wide,),
        ),
        case("saturate_cast_int", lambda tf, x: tf.saturate_cast(x * 100, tf.uint8), (i32,)),
        case("grayscale", lambda tf, x: tf.image.rgb_to_grayscale(x), (f4,), True),
        case("grayscale_uint8", lambda tf, x: tf.image.rgb_to_grayscale(x), (u8,)),
        case(
            "grayscale_to_rgb",
            lambda tf, x: tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(x)),
            (u8,),
        ),
        case("grayscale_to_rgb_refused", lambda tf, x: tf.image.grayscale_to_rgb(x), (f3,)),
        case("brightness", lambda tf, x: tf.image.adjust_brightness(x, 0.3), (f4,), True),
        case("brightness_uint8", lambda tf, x: tf.image.adjust_brightness(x, 0.2), (u8,)),
        case("contrast", lambda tf, x: tf.image.adjust_contrast(x, 1.7), (f4,), tol=1e-5),
        case("contrast_uint8", lambda tf, x: tf.image.adjust_contrast(x, 0.6), (u8,)),
        case("standardization", lambda tf, x: tf.image.per_image_standardization(x), (f4,), True, 1e-5),
        case("standardization_uint8", lambda tf, x: tf.image.per_image_standardization(x), (u8,), tol=1e-5),
        case(
            "standardization_constant",
            lambda tf, x: tf.image.per_image_standardization(x * 0.0 + 2.0),
            (f3,),
        ),
        case("image_gradients", lambda tf, x: list(tf.image.image_gradients(x)), (f4,), True),
        case("image_gradients_rank3", lambda tf, x: list(tf.image.image_gradients(x)), (f3,)),
        case(
            "total_variation",
            lambda tf, x, y: [tf.image.total_variation(x), tf.image.total_variation(y)],
            (f3, f4),
            True,
            1e-5,
        ),
        case("total_variation_int", lambda tf, x: tf.image.total_variation(x), (img((2, 3, 4), I32),)),
    ]  # fmt: skip
    return c


def _patch_cases():
    x, xi = img((2, 7, 6, 2)), img((1, 5, 5, 1), I32)
    c = []
    for pad in ("VALID", "SAME"):
        for k, s, r in (([1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1]),
                        ([1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 1, 1])):  # fmt: skip
            fn = lambda tf, x, k=k, s=s, r=r, p=pad: tf.extract_image_patches(x, k, s, r, p)
            c.append(case(f"patches_{pad}_{k[1]}{s[1]}{r[1]}", fn, (x,), True))
    c += [
        case(
            "patches_names",
            lambda tf, x: [
                tf.image.extract_patches(x, [1, 2, 3, 1], [1, 3, 1, 1], [1, 1, 1, 1], "SAME"),
                tf.image.extract_image_patches(
                    x, sizes=[1, 2, 2, 1], strides=[1, 2, 2, 1], rates=[1, 1, 1, 1], padding="VALID"
                ),
            ],
            (x,),
        ),
        case("patches_int", lambda tf, x: tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "SAME"), (xi,)),
        case("patches_too_big", lambda tf, x: tf.extract_image_patches(x, [1, 9, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), (x,)),
        case("patches_bad_ksizes", lambda tf, x: tf.extract_image_patches(x, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), (x,),
             tf_run_time_error=True),
    ]  # fmt: skip
    return c


CASES = _resize_cases() + _geometry_cases() + _colour_cases() + _patch_cases()


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_image_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", one_per_op(CASES), ids=lambda c: c.id)
def test_image_op_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def _sample(fn, *args, n=1):
    f = js.transform(lambda *a: fn(*a))
    return [f.apply({}, *args, rng=jax.random.key(i)) for i in range(n)]


def test_random_flips_mirror_each_image_with_probability_one_half():
    x = jnp.asarray(img((64, 2, 3, 1)))

    def model(x):
        return jtf.image.random_flip_left_right(x), jtf.image.random_flip_up_down(x[0], seed=3)

    (lr, ud), = _sample(model, x)  # fmt: skip
    flipped = np.all(np.asarray(lr) == np.asarray(x)[:, :, ::-1], axis=(1, 2, 3))
    same = np.all(np.asarray(lr) == np.asarray(x), axis=(1, 2, 3))
    assert np.all(flipped | same) and 16 < flipped.sum() < 48
    assert np.array_equal(ud, x[0]) or np.array_equal(ud, x[0, ::-1])


def test_random_crop_is_a_window_and_covers_every_offset():
    x = jnp.arange(5 * 4, dtype=jnp.float32).reshape(5, 4, 1)
    crop = jax.jit(js.transform(lambda x: jtf.random_crop(x, [3, 4, 1])).apply)
    tops = {int(crop({}, x, rng=jax.random.key(i))[0, 0, 0]) // 4 for i in range(40)}
    assert tops == {0, 1, 2}
    assert jtf.image.random_crop is jtf.random_crop
    with pytest.raises(ValueError, match=r"tf\.random_crop: Need value\.shape >= size"):
        js.transform(lambda: jtf.random_crop(x, [6, 4, 1])).apply({}, rng=jax.random.key(0))


def test_random_brightness_and_contrast_stay_in_their_ranges():
    x = jnp.asarray(img((4, 4, 3)))

    def model(x):
        return (
            jtf.image.random_brightness(x, 0.2) - x,
            jtf.image.random_contrast(x, 0.5, 1.5),
            jtf.image.random_brightness(jnp.asarray(img((4, 4, 3), U8)), 0.1),
        )

    draws = _sample(model, x, n=8)
    deltas = [float(d[0, 0, 0]) for d, _, _ in draws]
    assert all(-0.2 <= d < 0.2 for d in deltas) and len(set(deltas)) == 8
    mean = x.mean((0, 1))
    for d, c, u in draws:
        np.testing.assert_allclose(d, d[0, 0, 0], atol=1e-6)  # one delta per image
        factor = (c - mean) / (x - mean)
        assert 0.5 <= float(factor[0, 0, 0]) < 1.5
        assert u.dtype == jnp.uint8
    with pytest.raises(ValueError, match="max_delta must be non-negative"):
        _sample(lambda x: jtf.image.random_brightness(x, -1.0), x)
    with pytest.raises(ValueError, match="upper must be > lower"):
        _sample(lambda x: jtf.image.random_contrast(x, 1.0, 0.5), x)


def test_random_image_ops_outside_a_transform_say_where_to_call_them():
    with pytest.raises(RuntimeError, match=r"tf\.image\.random_flip_left_right draws from"):
        jtf.image.random_flip_left_right(np.zeros((2, 2, 1), np.float32))


def test_resize_size_must_be_static_under_jit():
    x = np.zeros((1, 4, 4, 1), np.float32)
    with pytest.raises(ValueError, match=r"tf\.image\.resize_bilinear: size must be known"):
        jax.jit(lambda s: jtf.image.resize_bilinear(x, s))(np.array([2, 2], np.int32))


def test_image_names_are_tf1s():
    assert jtf.image.ResizeMethod.BICUBIC == 2 and jtf.image.transpose is jtf.image.transpose_image
    assert jtf.image.resize is jtf.image.resize_images
    assert sorted(jtf.image.__all__) == jtf.image.__all__
    for name in jtf.image.__all__:
        assert getattr(jtf.image, name).__doc__
