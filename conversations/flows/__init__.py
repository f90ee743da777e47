"""The flows. Importing this package registers nothing: conversations.assembly lists the flows in use."""
