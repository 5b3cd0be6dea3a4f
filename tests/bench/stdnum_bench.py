"""python-stdnum's credit-code check over the benchmark file: the peer figure for `cargo xtask bench codes`."""
import json
import sys
import time

from stdnum.cn import uscc

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
lines = [line for line in lines if line]
start = time.perf_counter()
valid = sum(1 for line in lines if uscc.is_valid(line))
elapsed = time.perf_counter() - start
print(json.dumps({"codes": len(lines), "valid": valid, "seconds": elapsed, "is_valid_per_s": len(lines) / elapsed}))
