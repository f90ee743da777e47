"""Printables for professionals: an A4 waiting-room poster and an A4 week list of meetings near a place."""
