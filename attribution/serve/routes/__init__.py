"""The app's routes by area: ``pages`` (score and vet forms), ``cases`` (saved cases), ``api`` (JSON)."""
