"""nnplayground: a desktop neural-network playground for the classroom."""

__version__ = "0.1.0"
