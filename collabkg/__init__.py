"""collabkg: a knowledge graph of collaborations between public bodies.

The package maps one import namespace over the top-level folders of the repository:
``collabkg.ontology``, ``collabkg.shapes``, ``collabkg.loaders``, ``collabkg.graph``, ``collabkg.api``.
"""

__version__ = "0.1.0"
