"""``tf.image`` of ``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1.image`` ops (resizing
with TF1's v1 semantics, crops, flips, dtype conversion, colour adjustments, patches).

The ``random_*`` ops draw from the transformed function's rng stream (see ``tf.random_normal``).
"""

from jaxscope._src.compat.image_ops import adjust_brightness as adjust_brightness
from jaxscope._src.compat.image_ops import adjust_contrast as adjust_contrast
from jaxscope._src.compat.image_ops import central_crop as central_crop
from jaxscope._src.compat.image_ops import convert_image_dtype as convert_image_dtype
from jaxscope._src.compat.image_ops import crop_to_bounding_box as crop_to_bounding_box
from jaxscope._src.compat.image_ops import extract_image_patches as extract_image_patches
from jaxscope._src.compat.image_ops import extract_patches as extract_patches
from jaxscope._src.compat.image_ops import flip_left_right as flip_left_right
from jaxscope._src.compat.image_ops import flip_up_down as flip_up_down
from jaxscope._src.compat.image_ops import grayscale_to_rgb as grayscale_to_rgb
from jaxscope._src.compat.image_ops import image_gradients as image_gradients
from jaxscope._src.compat.image_ops import pad_to_bounding_box as pad_to_bounding_box
from jaxscope._src.compat.image_ops import per_image_standardization as per_image_standardization
from jaxscope._src.compat.image_ops import random_brightness as random_brightness
from jaxscope._src.compat.image_ops import random_contrast as random_contrast
from jaxscope._src.compat.image_ops import random_crop as random_crop
from jaxscope._src.compat.image_ops import random_flip_left_right as random_flip_left_right
from jaxscope._src.compat.image_ops import random_flip_up_down as random_flip_up_down
from jaxscope._src.compat.image_ops import (
    resize_image_with_crop_or_pad as resize_image_with_crop_or_pad,
)
from jaxscope._src.compat.image_ops import resize_with_crop_or_pad as resize_with_crop_or_pad
from jaxscope._src.compat.image_ops import rgb_to_grayscale as rgb_to_grayscale
from jaxscope._src.compat.image_ops import rot90 as rot90
from jaxscope._src.compat.image_ops import total_variation as total_variation
from jaxscope._src.compat.image_ops import transpose as transpose
from jaxscope._src.compat.image_ops import transpose_image as transpose_image
from jaxscope._src.compat.image_resize import ResizeMethod as ResizeMethod
from jaxscope._src.compat.image_resize import resize_area as resize_area
from jaxscope._src.compat.image_resize import resize_bicubic as resize_bicubic
from jaxscope._src.compat.image_resize import resize_bilinear as resize_bilinear
from jaxscope._src.compat.image_resize import resize_images as resize
from jaxscope._src.compat.image_resize import resize_images as resize_images
from jaxscope._src.compat.image_resize import resize_nearest_neighbor as resize_nearest_neighbor

__all__ = [
    "ResizeMethod",
    "adjust_brightness",
    "adjust_contrast",
    "central_crop",
    "convert_image_dtype",
    "crop_to_bounding_box",
    "extract_image_patches",
    "extract_patches",
    "flip_left_right",
    "flip_up_down",
    "grayscale_to_rgb",
    "image_gradients",
    "pad_to_bounding_box",
    "per_image_standardization",
    "random_brightness",
    "random_contrast",
    "random_crop",
    "random_flip_left_right",
    "random_flip_up_down",
    "resize",
    "resize_area",
    "resize_bicubic",
    "resize_bilinear",
    "resize_image_with_crop_or_pad",
    "resize_images",
    "resize_nearest_neighbor",
    "resize_with_crop_or_pad",
    "rgb_to_grayscale",
    "rot90",
    "total_variation",
    "transpose",
    "transpose_image",
]
