#!/usr/bin/env python3
"""Writes the committed seeds of the share_decode fuzz target: for each gallery example its
w1 link (the workspace the playground shares right after opening it) and the same link's
compressed bytes (the target also reads its input as a link's payload), plus the frozen
link of tests/data. Python's zlib writes the same format as the codec (raw deflate with the
w1 preset dictionary). Run from the repository root."""
import base64, json, os, shutil, zlib

EXAMPLES = "static/examples"
OUT = "crates/inspect/fuzz/corpus/share_decode"
DICTIONARY = open("crates/inspect/src/share/dictionary-w1.txt", "rb").read()


def read(name):
    return open(f"{EXAMPLES}/{name}").read() if name else None


os.makedirs(OUT, exist_ok=True)
for example in json.load(open(f"{EXAMPLES}/gallery.json")):
    document = {"version": 1, "engine": "0.1.0"}
    for key in ["definition", "input", "mocks"]:
        if example[key]:
            document[key] = read(example[key])
    if example["testCase"]:
        document["testCase"] = example["testCase"]
    document.update(workbench="stateMachine", view="graph")
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=DICTIONARY)
    packed = packer.compress(text) + packer.flush()
    link = "#w1." + base64.urlsafe_b64encode(packed).decode().rstrip("=")
    open(f"{OUT}/{example['id']}.link", "w").write(link)
    open(f"{OUT}/{example['id']}.deflate", "wb").write(packed)
shutil.copy("crates/inspect/tests/data/share-v1-order.txt", f"{OUT}/frozen-v1-order.link")
