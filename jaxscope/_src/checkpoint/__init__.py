"""Checkpoints: TF1's TensorBundle format (data and index files), TF1 checkpoints <-> variables
trees by name (partitioned variables included), orbax checkpoints, and optimizer slots.

May import: ``core``, ``sharding``, ``train`` (and ``errors``).
"""
