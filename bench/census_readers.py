"""Benchmark: reading the real Census BTOS workbooks with openpyxl (through pandas) vs calamine.

Each workbook of ../shared/data/census/btos is read the way the parser needs it (the sheets
`Response Estimates`, `Response Standard Errors` and `Collection and Reference Dates`, every
cell), REPEAT times per reader; the best time per workbook is printed, with the peak RSS.

Run: `.venv/bin/python bench/census_readers.py [--repeat 3] [--data ../shared/data]`.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
from pathlib import Path

import pandas as pd

SHEETS = ["Response Estimates", "Response Standard Errors", "Collection and Reference Dates"]


def read_pandas(body: bytes, engine: str) -> int:
    """Cells read through pandas.read_excel with this engine."""
    sheets = pd.read_excel(io.BytesIO(body), sheet_name=SHEETS, header=None, engine=engine)
    return sum(frame.size for frame in sheets.values())


def read_calamine_direct(body: bytes) -> int:
    """Cells read with python-calamine's own API (no pandas)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    return sum(len(r) for s in SHEETS for r in book.get_sheet_by_name(s).to_python())


READERS = {
    "openpyxl (pandas)": lambda body: read_pandas(body, "openpyxl"),
    "calamine (pandas)": lambda body: read_pandas(body, "calamine"),
    "calamine (direct)": read_calamine_direct,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[1] / "../shared/data")
    )
    args = parser.parse_args()
    books = sorted(Path(args.data, "census", "btos").glob("20*/*.xlsx"))
    print(f"{'workbook':<40} {'MB':>5} " + " ".join(f"{name:>18}" for name in READERS))
    totals = dict.fromkeys(READERS, 0.0)
    for path in books:
        body = path.read_bytes()
        best = {}
        for name, read in READERS.items():
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                read(body)
                times.append(time.perf_counter() - started)
            best[name] = min(times)
            totals[name] += best[name]
        label = f"{path.parent.name}/{path.name}"
        print(
            f"{label:<40} {len(body) / 2**20:5.2f} "
            + " ".join(f"{best[n] * 1000:16.0f}ms" for n in READERS)
        )
    print(f"{'all workbooks':<40} {'':>5} " + " ".join(f"{totals[n]:17.2f}s" for n in READERS))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
