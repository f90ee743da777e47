"""`python -m bot` is the same as the `eerstestap` command."""

from bot.cli import main

raise SystemExit(main())
