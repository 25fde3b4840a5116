"""The variable model: TF1 names and scopes, the frame of one ``init``/``apply`` call,
``get_variable`` and its getter chain, variable handles and ``assign``, collections and
regularizers, ``transform``, templates, control flow whose bodies hold variables, lifted
``remat``/``vmap``, ``inspect``, and variables trees named by TF1 name.

May import: ``initializers``, ``sharding`` (and ``errors``).
"""
