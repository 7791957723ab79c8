"""The workbooks ipsxl makes from the standard: the empty template and the filled demo."""
