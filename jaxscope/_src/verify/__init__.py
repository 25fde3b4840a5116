"""The porting check (``jaxscope.verify``): one TF1 model file built under the real
``tensorflow.compat.v1`` and under jaxscope, compared variable by variable and output by output.

Owns: reading build/input specs, the TF1 side (graph, Saver, session runs), the jaxscope side
(``load_tf1_module`` + ``transform``, restore through the TF1 checkpoint reader), the comparison
and its report, the training steps (``steps.py``), the progress bar, the command line.
TensorFlow is imported only when a check runs.

May import: ``core``, ``compat``, ``checkpoint``, ``train`` (the training steps' ``Runner``) and
``errors``.
"""
