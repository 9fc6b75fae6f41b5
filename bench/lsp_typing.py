#!/usr/bin/env python3
"""`bsc lsp` under typing: 200 edits sent at once to a 1 MB document.

Usage: bench/lsp_typing.py [BSC_BINARY]   (default: target/release/bsc)

Opens a generated document of about 1 MB (each version has its own unknown reference in
the map), waits for its diagnostics, then sends 200 `didChange` notifications as fast as
the pipe takes them, as a fast typist's editor does. The settle time is from the first
edit sent to the publication of the last version's diagnostics; also counted: how many
publications the server made for the 200 edits.
"""
import json, os, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BSC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "bsc")
URI = "file:///tmp/bsc-lsp-typing/plan.bsc"


def document(n):
    lines = ["perspective financial {"]
    for i in range(6800):
        lines.append(f'  objective o{i} "Objective {i} with a title" {{ owner "x" measure m{i} "M{i}" '
                     f'{{ unit "u" baseline 1 target 9 actuals {{ 2025-01: 3, 2025-02: 4 }} }} }}')
    lines.append("}")
    lines.append(f"map {{ o0 -> missing_{n} }}")
    return "\n".join(lines) + "\n"


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def main(edits=200):
    proc = subprocess.Popen([BSC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    publishes = []
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
                    publishes.append((time.perf_counter(), msg["params"]))
                got.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pred, limit=600):
        deadline = time.time() + limit
        with got:
            while not pred():
                if not got.wait(timeout=deadline - time.time()):
                    raise SystemExit("timed out")

    send = lambda m: (proc.stdin.write(frame(m)), proc.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    text = document(0)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": URI, "languageId": "bsc", "version": 0, "text": text}}})
    wait_for(lambda: len(publishes) >= 1)
    burst = b"".join(frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                            "params": {"textDocument": {"uri": URI, "version": v},
                                       "contentChanges": [{"text": document(v)}]}})
                     for v in range(1, edits + 1))
    before = len(publishes)
    t0 = time.perf_counter()
    threading.Thread(target=lambda: (proc.stdin.write(burst), proc.stdin.flush()), daemon=True).start()

    def settled():
        for _, p in publishes[before:]:
            if p.get("version") == edits or any(f"missing_{edits}`" in d["message"] for d in p["diagnostics"]):
                return True
        return False

    wait_for(settled)
    took = time.perf_counter() - t0
    count = len(publishes) - before
    proc.kill()
    print(f"document: {len(text) / 1e6:.2f} MB, {edits} edits sent at once")
    print(f"settle time: {took:.2f} s, publications: {count}")


if __name__ == "__main__":
    main()
