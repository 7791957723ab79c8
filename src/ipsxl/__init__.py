"""ipsxl: checks IPS supported-employment workbooks and scores them against the fidelity scale."""

__version__ = "0.1.0"
