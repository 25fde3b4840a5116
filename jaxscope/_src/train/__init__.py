"""TF1's ``tf.compat.v1.train``: optimizers, learning-rate schedules, moving averages."""
