"""`python -m reader` is `corpus-reader`."""

import sys

from reader.cli import main

sys.exit(main())
