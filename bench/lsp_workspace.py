#!/usr/bin/env python3
"""`bsc lsp` in a workspace: diagnostics latency after a keystroke.

Usage: bench/lsp_workspace.py [BSC_BINARY] [KEYSTROKES]   (default: target/release/bsc, 100)

Writes a workspace of 1,000 objectives over several files (an entry file with the
scorecard, the uses and the map; four libraries of 250 objectives, one per perspective;
and an unrelated entry file), starts the server on it, opens one library, and types into
it: one edit at a time (each waits for its diagnostics, as typing with the usual pauses
does), every other edit adding an unknown reference and the next removing it. Latency:
from the edit sent to the publication of that version's diagnostics for the edited file.
Then the same in the unrelated entry file, which no compilation of the libraries reads.
"""
import json, os, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BSC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "bsc")
KEYS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
PERSPECTIVES = ["financial", "customer", "internal", "learning"]
PER_FILE = 250


def library(p, broken=False):
    lines = [f"perspective {p} {{"]
    for i in range(PER_FILE):
        lines.append(
            f'  objective {p}_{i} "Objective {i} of {p}" {{ owner "x"\n'
            f'    measure {p}_m{i} "Measure {i}" {{ unit "u" baseline 1 target 9 actuals {{ 2025-01: 3, 2025-02: 4 }} }}\n'
            f"  }}")
    lines.append("}")
    if broken:
        lines.append(f"initiative typo \"Typo\" {{ supports {p}_nowhere }}")
    return "\n".join(lines) + "\n"


def entry():
    uses = "".join(f'use "lib/{p}"\n' for p in PERSPECTIVES)
    chains = "".join(
        f"  {PERSPECTIVES[(k + 1) % 4]}_{i} -> {PERSPECTIVES[k % 4]}_{i}\n"
        for k in range(3) for i in range(PER_FILE))
    return uses + 'scorecard "Bench" { period 2025-01 .. 2025-12 }\nmap {\n' + chains + "}\n"


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def main():
    work = tempfile.mkdtemp(prefix="bsc-lsp-ws-")
    os.makedirs(os.path.join(work, "lib"))
    for p in PERSPECTIVES:
        with open(os.path.join(work, "lib", p + ".bsc"), "w") as f:
            f.write(library(p))
    with open(os.path.join(work, "plan.bsc"), "w") as f:
        f.write(entry())
    with open(os.path.join(work, "other.bsc"), "w") as f:
        f.write(library("financial").replace("financial_", "other_"))

    proc = subprocess.Popen([BSC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = {}
    got = threading.Condition()

    def reader():
        out = proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.strip() == b"":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            with got:
                if msg.get("method") == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    seen[(p["uri"], p.get("version"))] = time.perf_counter()
                got.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        proc.stdin.write(frame(msg))
        proc.stdin.flush()

    def wait(key, limit=120):
        deadline = time.time() + limit
        with got:
            while key not in seen:
                if time.time() > deadline:
                    sys.exit(f"no diagnostics for {key}")
                got.wait(0.5)
            return seen[key]

    root = "file://" + work
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": root, "capabilities": {}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def typing(path, text_of):
        uri = "file://" + os.path.join(work, path)
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "bsc", "version": 0, "text": text_of(0)}}})
        wait((uri, 0))
        lat = []
        for v in range(1, KEYS + 1):
            start = time.perf_counter()
            send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text_of(v)}]}})
            lat.append((wait((uri, v)) - start) * 1000)
        return lat

    lib = typing("lib/internal.bsc", lambda v: library("internal", broken=v % 2 == 1))
    startup = None
    other = typing("other.bsc", lambda v: library("financial").replace("financial_", "other_")
                   + ("initiative t \"T\" { supports nowhere }\n" if v % 2 else ""))
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=30)

    def row(name, lat):
        q = statistics.quantiles(lat, n=20)
        return f"| {name} | {statistics.median(lat):.1f} ms | {q[18]:.1f} ms | {max(lat):.1f} ms |"

    print(f"workspace: {len(PERSPECTIVES) * PER_FILE} objectives in {len(PERSPECTIVES)} libraries, "
          f"an entry file, an unrelated file; {KEYS} keystrokes each; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| edited file | median | p95 | max |")
    print("|---|---|---|---|")
    print(row("a library (its entry file, 1,000 objectives, recompiled)", lib))
    print(row("an unrelated entry file (250 objectives; the project is left alone)", other))


if __name__ == "__main__":
    main()
