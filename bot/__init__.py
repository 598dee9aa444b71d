"""The sourcing assistant's Python package: everything that is not Rasa configuration."""
