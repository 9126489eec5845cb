"""One module per ``mlops-nb`` sub-command, each with ``register(subparsers)``."""
