"""The adapters: python-telegram-bot handlers, the terminal chat, scheduler wiring and the CLI."""
