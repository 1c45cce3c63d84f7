"""Subcommands of the CLI, one module a group; each has `register(subparsers)`."""
