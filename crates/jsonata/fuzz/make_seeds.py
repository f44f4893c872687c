#!/usr/bin/env python3
"""Writes the committed seed corpora of the JSONata fuzz targets from the official suite:
for each test group its longest expression (with its input, up to 4 KiB), the 60 longest
overall. Format: expression, NUL, input JSON. Run from the repository root."""
import glob, json, os

SUITE = "tests/data/jsonata-suite"
best = {}
for path in sorted(glob.glob(f"{SUITE}/groups/*/*.json")):
    group = os.path.basename(os.path.dirname(path))
    loaded = json.load(open(path))
    for case in loaded if isinstance(loaded, list) else [loaded]:
        expr = case.get("expr")
        if not isinstance(expr, str):
            continue
        if "data" in case:
            data = case["data"]
        elif case.get("dataset"):
            data = json.load(open(f"{SUITE}/datasets/{case['dataset']}.json"))
        else:
            data = None
        doc = "" if data is None else json.dumps(data, separators=(",", ":"))
        if len(doc) > 4096:
            continue
        if group not in best or len(expr) > len(best[group][0]):
            best[group] = (expr, doc)

chosen = sorted(best.items(), key=lambda kv: -len(kv[1][0]))[:60]
for target in ["crates/jsonata/fuzz/corpus/jsonata", "crates/asl/fuzz/corpus/jsonata_state"]:
    os.makedirs(target, exist_ok=True)
    for group, (expr, doc) in chosen:
        with open(f"{target}/{group}", "w") as f:
            f.write(expr + "\0" + doc)
print(len(chosen), "seeds each")
