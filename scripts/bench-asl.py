#!/usr/bin/env python3
"""Run the five shared ASL workloads through `stepbridge run` (whole process) and check each
output against EXPECTED.md's canonical sha256; print wall time and the ratio to the peer's
whole-process figures recorded in EXPECTED.md.

    python3 scripts/bench-asl.py [--bin target/release/stepbridge] [--runs 3]

The peer (aws-local-stepfunctions on Node 22) is not run here: EXPECTED.md's figures for it
were measured on this kind of machine. In-process figures come from
`cargo bench -p stepbridge-asl --bench workloads`.
"""
import argparse, hashlib, json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "tests", "data", "asl-bench")
SHA = {
    "map10k": "2e58e4b5a32f0ad0e53ccf41c826fb1557473e37d4905cef09947fb59f68b48c",
    "loop5k": "cdb459e791dbb714cdb8cc0d301a625d37c1a64d2754f4f735156e856dc6a245",
    "parallel": "1a93dc506244e149cba7c1592dfd0a37b96dec839190194b8d00c5e222e84591",
    "retry": "20db42eccd14f10c33ab39834851a24f308c1b4e5dad7e3c063d58263327d2d1",
    "payload": "e52c7ba5eebbec84daeadbbc5d828f293779f71b574a4ba00f036a6afae79f57",
}
# EXPECTED.md, peer whole-process wall seconds.
PEER_WALL = {"map10k": 2.14, "loop5k": 0.75, "parallel": 0.80, "retry": 0.56, "payload": 2.23}


def retry_mocks(path):
    responses = {}
    for item in range(1000):
        b = item * 3
        responses[f"{b}-{b + 1}"] = {"Throw": {"Error": "Bench.Transient", "Cause": "transient failure"}}
        responses[str(b + 2)] = {"Return": {"StatusCode": 200, "Payload": {"ok": True, "attempt": 3}}}
    doc = {"StateMachines": {"retry": {"TestCases": {"Bench": {"Flaky": "FlakyAnswers"}}}},
           "MockedResponses": {"FlakyAnswers": responses}}
    with open(path, "w") as f:
        json.dump(doc, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "stepbridge"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    mocks = os.path.join(tmp, "retry.mocks.json")
    retry_mocks(mocks)
    failed = 0
    print(f"{'workload':<10} {'wall s':>8} {'peer s':>8} {'ratio':>7}  output")
    for name in SHA:
        cmd = [args.bin, "run", os.path.join(BENCH, f"{name}.asl.json"),
               "--input", os.path.join(BENCH, f"{name}.input.json"),
               # AWS's quotas would stop map10k (80k events, 0.5 MB payloads); the peer has none.
               "--max-history-events", "10000000", "--max-payload-bytes", "100000000"]
        if name == "retry":
            cmd += ["--mock-config", mocks, "--test-case", "Bench"]
        times, ok = [], True
        for _ in range(args.runs):
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            doc = json.loads(out.stdout)
            canon = json.dumps(doc.get("output"), sort_keys=True, separators=(",", ":"))
            ok = ok and out.returncode == 0 and hashlib.sha256(canon.encode()).hexdigest() == SHA[name]
        times.sort()
        wall = times[len(times) // 2]
        failed += 0 if ok else 1
        print(f"{name:<10} {wall:>8.3f} {PEER_WALL[name]:>8.2f} {PEER_WALL[name] / wall:>6.0f}x  {'sha256 ok' if ok else 'WRONG'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
