"""briefgen: footnoted policy briefs, PDF and HTML, one per audience, from validated YAML."""

__version__ = "0.1.0"
