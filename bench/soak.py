#!/usr/bin/env python3
"""Soak test of `bsc watch` and `--serve` under the attacks of issue 15 (not run in CI).

Usage: bench/soak.py [BSC_BINARY] [--write]   (default binary: target/release/bsc)

1. Watch: 1,000 mixed saves in a project with an import in a subfolder and a CSV in a
   data folder: saves in place, vim's rename-over, delete and recreate, an editor's
   truncate-then-write (50-250 ms apart), CSV and import saves, broken saves and their
   fixes, 0-100 ms apart. Every 50 saves it waits for quiet and checks that the output
   holds the latest text of every file (a lost save otherwise). A recorder polls the
   output every 2 ms: an output missing the title, the CSV's value or the import's
   initiative is a transient bad output (a save caught mid-write replacing a good one).
   Also: the watch's memory and threads at the start and the end.
2. Slowloris: 200 connections sending their request a byte a second for 10 s, while a
   normal client keeps asking for the page: the server's threads, the normal client's
   worst answer time, and when the slow connections were dropped.
3. 200 event streams (open pages) and 20 saves: the time until all 200 have the new
   state, the server's threads, and whether any stream was dropped.

Prints a Markdown section; with --write it replaces the section between the soak markers
in docs/performance.md.
"""
import json, os, random, re, shutil, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
BSC = os.path.abspath(ARGS[0]) if ARGS else os.path.join(ROOT, "target", "release", "bsc")
WRITE = "--write" in sys.argv

PLAN = """@allow(missing-perspective, orphan)
scorecard "{title}" {{ period 2025-01 .. 2025-12 }}
use "sub/lib"
perspective financial {{
  objective margin "Margin" {{ owner "CFO"
    measure m "M" {{ unit "u" baseline 1 target 9 actuals "data/m.csv" }}
  }}
}}
"""
LIB = 'initiative crm "{title}" {{ owner "x" supports margin }}\n'
CSV = "period,value\n2025-01,{value}\n"


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return int(out["VmRSS"].split()[0]), int(out["Threads"])


class Log:
    def __init__(self, proc):
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self.read, args=(proc,), daemon=True).start()

    def read(self, proc):
        for line in proc.stderr:
            with self.lock:
                self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def builds(self):
        with self.lock:
            return sum(1 for l in self.lines if l.startswith("[") and " ms)" in l)

    def text(self):
        with self.lock:
            return "\n".join(self.lines)


def start_watch(work, args):
    proc = subprocess.Popen([BSC, "watch", "plan.bsc", *args], cwd=work, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    log = Log(proc)
    deadline = time.time() + 30
    while log.builds() < 1:
        if time.time() > deadline:
            raise SystemExit("watch did not start:\n" + log.text())
        time.sleep(0.01)
    return proc, log


def settle(log, quiet=0.6, limit=30):
    n, since, start = log.builds(), time.time(), time.time()
    while time.time() - since < quiet:
        if time.time() - start > limit:
            raise SystemExit("watch never settled")
        time.sleep(0.02)
        if log.builds() != n:
            n, since = log.builds(), time.time()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def matches(out, state):
    try:
        doc = json.load(open(out, encoding="utf-8"))
    except (OSError, ValueError):
        return False
    actuals = [a["value"] for m in doc["measures"] for a in m["actuals"]]
    libs = [x["title"] for x in doc["initiatives"]]
    return doc["scorecard"]["title"] == state["title"] and actuals == [state["value"]] and libs == [state["lib"]]


def soak_watch(saves=1000, seed=15):
    rnd = random.Random(seed)
    work = tempfile.mkdtemp(prefix="bsc-soak-")
    os.makedirs(os.path.join(work, "sub"))
    os.makedirs(os.path.join(work, "data"))
    state = {"title": "Start", "lib": "CRM 0", "value": 1}
    plan, lib, csv = (os.path.join(work, p) for p in ("plan.bsc", "sub/lib.bsc", "data/m.csv"))
    write(plan, PLAN.format(title=state["title"]))
    write(lib, LIB.format(title=state["lib"]))
    write(csv, CSV.format(value=state["value"]))
    out = os.path.join(work, "out.json")
    proc, log = start_watch(work, ["--format", "json", "-o", "out.json"])
    rss0, threads0 = status(proc.pid)
    seen, stop = set(), threading.Event()

    def record():
        while not stop.is_set():
            try:
                with open(out, encoding="utf-8") as f:
                    seen.add(f.read())
            except OSError:
                pass
            time.sleep(0.002)

    recorder = threading.Thread(target=record)
    recorder.start()
    lost, kinds, broken, catch_up = 0, {}, False, []
    t0 = time.time()
    for i in range(1, saves + 1):
        kind = rnd.choice(["in place", "rename over", "truncate then write", "delete and recreate",
                           "csv", "csv truncate then write", "import", "broken"])
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "broken":
            write(plan, "perspective financial {\n")
            broken = True
        elif kind in ("csv", "csv truncate then write"):
            state["value"] = i
            if kind == "csv":
                write(csv, CSV.format(value=i))
            else:
                open(csv, "w").close()
                time.sleep(rnd.uniform(0.05, 0.25))
                write(csv, CSV.format(value=i))
        elif kind == "import":
            state["lib"] = f"CRM {i}"
            write(lib, LIB.format(title=state["lib"]))
        else:
            state["title"] = f"Save {i}"
            text = PLAN.format(title=state["title"])
            broken = False
            if kind == "in place":
                write(plan, text)
            elif kind == "rename over":
                write(plan + ".new", text)
                os.replace(plan + ".new", plan)
            elif kind == "truncate then write":
                open(plan, "w").close()
                time.sleep(rnd.uniform(0.05, 0.25))
                write(plan, text)
            else:
                os.remove(plan)
                time.sleep(rnd.uniform(0.0, 0.1))
                write(plan, text)
        time.sleep(rnd.uniform(0.0, 0.1))
        if i % 50 == 0:
            if broken:  # end every round on a good text
                state["title"] = f"Fixed {i}"
                write(plan, PLAN.format(title=state["title"]))
                broken = False
            # The output must come to hold the latest text of every file; a save whose
            # build never comes within 5 s was lost.
            t = time.time()
            while not matches(out, state):
                if time.time() - t > 5:
                    lost += 1
                    break
                time.sleep(0.01)
            catch_up.append(time.time() - t)
            settle(log)
    took = time.time() - t0
    stop.set()
    recorder.join()
    rss1, threads1 = status(proc.pid)
    bad, why = 0, {}
    for text in seen:
        try:
            doc = json.loads(text)
        except ValueError:
            bad += 1  # a torn file (never expected: the output is renamed into place)
            why["torn"] = why.get("torn", 0) + 1
            continue
        actuals = [a["value"] for m in doc["measures"] for a in m["actuals"]]
        missing = [w for w, ok in (("no title", doc["scorecard"].get("title")), ("no CSV value", actuals),
                                   ("no import", doc["initiatives"])) if not ok]
        if missing:
            bad += 1
            for w in missing:
                why[w] = why.get(w, 0) + 1
    builds = log.builds()
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
    return {"saves": saves, "kinds": kinds, "took": took, "builds": builds, "lost": lost, "checks": saves // 50,
            "catch_up": max(catch_up),
            "outputs": len(seen), "bad": bad, "why": why, "rss": (rss0, rss1), "threads": (threads0, threads1)}


def serve_project():
    work = tempfile.mkdtemp(prefix="bsc-soak-serve-")
    os.makedirs(os.path.join(work, "sub"))
    os.makedirs(os.path.join(work, "data"))
    write(os.path.join(work, "plan.bsc"), PLAN.format(title="Served"))
    write(os.path.join(work, "sub/lib.bsc"), LIB.format(title="CRM"))
    write(os.path.join(work, "data/m.csv"), CSV.format(value=1))
    proc, log = start_watch(work, ["--serve", "--port", "7990"])
    port = int(re.search(r"serving http://127\.0\.0\.1:(\d+)/", log.text()).group(1))
    return work, proc, log, port


def get(port, path="/"):
    t = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split()[1]), (time.perf_counter() - t) * 1000


def soak_slowloris(n=200, seconds=10):
    work, proc, _, port = serve_project()
    threads0 = status(proc.pid)[1]
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
    for c in conns:
        c.setblocking(False)
    t0 = time.time()
    dropped_at, max_threads, worst, answered = {}, threads0, 0.0, 0
    while time.time() - t0 < seconds:
        for i, c in enumerate(conns):
            if i in dropped_at:
                continue
            try:
                c.send(b"G")
                if c.recv(1) == b"":
                    dropped_at[i] = time.time() - t0
            except BlockingIOError:
                pass
            except OSError:
                dropped_at[i] = time.time() - t0
        max_threads = max(max_threads, status(proc.pid)[1])
        for _ in range(5):
            code, ms = get(port)
            answered += code == 200
            worst = max(worst, ms)
        time.sleep(1)
    for c in conns:
        c.close()
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
    times = sorted(dropped_at.values())
    return {"n": n, "seconds": seconds, "threads": (threads0, max_threads), "worst": worst, "answered": answered,
            "dropped": len(times), "first_drop": times[0] if times else None, "last_drop": times[-1] if times else None}


def soak_events(n=200, saves=20):
    work, proc, log, port = serve_project()
    threads0 = status(proc.pid)[1]
    streams = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        streams.append(s.makefile("rb"))

    def next_version(f):
        while True:
            line = f.readline()
            if not line:
                return None
            if line.startswith(b"data: "):
                return json.loads(line[6:])["version"]

    first = [next_version(f) for f in streams]
    latencies, dropped, max_threads = [], 0, threads0
    for i in range(saves):
        write(os.path.join(work, "plan.bsc"), PLAN.format(title=f"Event {i}"))
        t = time.perf_counter()
        want = first[0] + i + 1
        for f in streams:
            v = next_version(f)
            while v is not None and v < want:
                v = next_version(f)
            dropped += v is None
        latencies.append((time.perf_counter() - t) * 1000)
        max_threads = max(max_threads, status(proc.pid)[1])
        time.sleep(0.2)
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    return {"n": n, "saves": saves, "threads": (threads0, max_threads), "median": latencies[len(latencies) // 2],
            "max": latencies[-1], "dropped": dropped}


def main():
    load = os.getloadavg()[0]
    if not os.path.exists(BSC):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "bsc"], cwd=ROOT, check=True)
    w = soak_watch()
    s = soak_slowloris()
    e = soak_events()
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(w["kinds"].items()))
    md = f"""<!-- soak -->
## Soak: `watch` and `--serve` under attack

`python3 bench/soak.py` (not in CI; {time.strftime('%Y-%m-%d')}, release build; load average {load:.1f} on {os.cpu_count()} cores at the start, from other work on the machine).

**1,000 mixed saves** ({kinds}), 0-100 ms apart, in {w['took']:.0f} s:

| figure | result |
|---|---|
| builds | {w['builds']} |
| checkpoints (every 50 saves) where the output never came to hold the latest text of every file | {w['lost']} of {w['checks']} |
| longest wait at a checkpoint for the output to catch up | {w['catch_up'] * 1000:.0f} ms |
| distinct outputs seen (polled every 2 ms) | {w['outputs']} |
| transient bad outputs (no title, no CSV value or no import: a save caught mid-write) | {w['bad']}{' (' + ', '.join(f'{k}: {v}' for k, v in sorted(w['why'].items())) + ')' if w['why'] else ''} |
| watch memory, start → end | {w['rss'][0] // 1024} MiB → {w['rss'][1] // 1024} MiB |
| watch threads, start → end | {w['threads'][0]} → {w['threads'][1]} |

**Slowloris**: {s['n']} connections sending their request a byte a second for {s['seconds']} s, a
normal client asking for the page five times a second meanwhile:

| figure | result |
|---|---|
| server threads, before → most during | {s['threads'][0]} → {s['threads'][1]} |
| normal requests answered / worst time | {s['answered']} / {s['worst']:.1f} ms |
| slow connections dropped by the server | {s['dropped']} of {s['n']}, {s['first_drop']:.1f}-{s['last_drop']:.1f} s after they opened |

**{e['n']} event streams** (open pages), {e['saves']} saves:

| figure | result |
|---|---|
| server threads, before → most during | {e['threads'][0]} → {e['threads'][1]} |
| save → all {e['n']} streams have the new state (median / max) | {e['median']:.0f} ms / {e['max']:.0f} ms |
| streams dropped | {e['dropped']} |
<!-- /soak -->"""
    print(md)
    if WRITE:
        path = os.path.join(ROOT, "docs", "performance.md")
        doc = open(path, encoding="utf-8").read()
        if "<!-- soak -->" in doc:
            doc = re.sub(r"<!-- soak -->.*<!-- /soak -->", lambda _: md, doc, flags=re.S)
        else:
            doc = doc.rstrip("\n") + "\n\n" + md + "\n"
        open(path, "w", encoding="utf-8").write(doc)


if __name__ == "__main__":
    main()
