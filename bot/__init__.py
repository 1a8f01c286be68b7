"""Assistant exercice coordonné: the project package (settings, channels, review, web, commands)."""
