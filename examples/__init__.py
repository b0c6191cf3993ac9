"""The sample class, shipped as package data of ``cnngrade.examples`` (see ``cnngrade.sample``).

``assignment.yaml`` (the manifest), ``roster.csv``, ``submissions/<student>/`` (six students' hand-ins)
and ``code/`` (the conv2d files ``cnngrade check`` is shown on). ``cnngrade demo`` copies them into
its output folder and grades the copy. ``tools/make_examples.py`` rewrites ``submissions/``.
"""
