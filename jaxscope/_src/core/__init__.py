"""The variable model: TF1 names and scopes, the frame of one ``init``/``apply`` call,
``get_variable`` and its getter chain, variable handles and ``assign``, collections and
regularizers, ``transform``, templates, control flow whose bodies hold variables, lifted
``remat``/``vmap``, ``inspect``, variables trees named by TF1 name, and which assigns a fetch
depends on (``fetch``: TF1's ``Session.run`` of the program's return value), the values fed to
named placeholders in one run (``feeds``: TF1's ``feed_dict``), and jax's persistent compilation
cache turned on for all of their programs (``compilation_cache``).

May import: ``initializers``, ``sharding`` (and ``errors``).
"""
