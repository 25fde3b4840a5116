"""TF1's ``tf.contrib.layers`` / tf-slim on top of ``get_variable`` (public: ``jaxscope.contrib``,
``jaxscope.slim``).

May import: ``core``, ``initializers``, ``layers``, ``nn`` (and ``errors``).
"""
