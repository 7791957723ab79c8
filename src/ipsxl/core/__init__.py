"""The core over pandas DataFrames: the workbook standard, typed values, the flag rules and the
fidelity figures. It knows nothing of files, Excel or the command line, so every face gets the
same answers from it."""
