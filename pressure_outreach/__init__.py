"""Python side of the pressure-outreach dbt project.

The SQL (dbt) decides who may be contacted; this package only does what SQL cannot:
run an embedded PostgreSQL server, generate realistic source data, and drive the demo.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
