"""kasvu: knowledge about the wellbeing of children, young people and families."""

__version__ = "0.1.0"
