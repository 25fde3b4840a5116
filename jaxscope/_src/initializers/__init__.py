"""TF1's initializer catalogue with TF1's defaults, the fused threefry draws that ``init`` uses,
and TF1 dtype names.

May import: nothing of jaxscope but ``errors``.
"""
