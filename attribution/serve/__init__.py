"""Local web application for editors."""
