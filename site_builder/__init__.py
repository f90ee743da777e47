"""The public website (de sociale kaart): static pages built from the directory and content/."""
