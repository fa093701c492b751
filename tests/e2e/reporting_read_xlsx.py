#!/usr/bin/python3
"""Reads a report's workbook back for tests/e2e/reporting_test.cpp, with Debian's openpyxl
(python3-openpyxl; run with /usr/bin/python3, not a pyenv python without Debian's packages).

Prints one JSON object: {"sheets": {name: [[cell, ...], ...]}, "formulas": {name: count}}.
Cells are the values a reader sees without calculating: for a formula, the value the workbook
carries with it (data_only=True); "formulas" counts the cells that hold a formula, read a
second time without data_only.
"""
import json
import sys

import openpyxl


def main(path):
    values = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False)
    out = {"sheets": {}, "formulas": {}}
    for ws in values.worksheets:
        out["sheets"][ws.title] = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    for ws in formulas.worksheets:
        out["formulas"][ws.title] = sum(
            1 for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("="))
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
