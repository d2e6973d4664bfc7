"""The app's models, one module per area, all imported here so Django finds them."""
