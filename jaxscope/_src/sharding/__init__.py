"""Partitioned variables (TF1's partitioners, the slices of each part) and sharding rules that
place variables on a device mesh by TF1 name.

May import: ``initializers`` (and ``errors``).
"""
