#!/usr/bin/env python3
"""Save -> output-renamed latency of `bsc watch`, median and p95 over 100 saves.

Usage: bench/watch_latency.py [BSC_BINARY]   (default: target/release/bsc)

For each scorecard (the largest example, and a generated 1,000-objective one) it starts
`bsc watch FILE --format html -o OUT`, then 100 times: rewrites the root file with a new
title, and polls (every 0.2 ms) until OUT holds the new title. The time from the end of
the write to the moment the new output is visible (the atomic rename) is one sample. The
figures include the 50 ms debounce by design: that is what a user waits.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BSC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "bsc")


def measure(name, src_dir, root_file, saves=100):
    work = tempfile.mkdtemp(prefix="bsc-latency-")
    for f in os.listdir(src_dir):
        p = os.path.join(src_dir, f)
        if os.path.isfile(p) and (f.endswith(".bsc") or f.endswith(".csv")):
            shutil.copy(p, work)
        elif os.path.isdir(p) and f == "data":
            shutil.copytree(p, os.path.join(work, "data"))
    path = os.path.join(work, root_file)
    out = os.path.join(work, "out.html")
    text = open(path, encoding="utf-8").read()
    marker = 'scorecard "'
    head, tail = text.split(marker, 1)
    rest = tail.split('"', 1)[1]
    proc = subprocess.Popen([BSC, "watch", root_file, "-o", out], cwd=work,
                            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not os.path.exists(out):
            if time.time() > deadline:
                raise SystemExit(f"{name}: no first build")
            time.sleep(0.01)
        samples = []
        for i in range(saves):
            title = f"Latency run {i}"
            with open(path, "w", encoding="utf-8") as f:
                f.write(head + marker + title + '"' + rest)
            t0 = time.perf_counter()
            needle = f">{title}<"
            while True:
                try:
                    with open(out, encoding="utf-8") as f:
                        if needle in f.read():
                            break
                except FileNotFoundError:
                    pass
                if time.perf_counter() - t0 > 30:
                    raise SystemExit(f"{name}: save {i} never showed up")
                time.sleep(0.0002)
            samples.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.06)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        size = sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work) if f.endswith(".bsc"))
        return statistics.median(samples), p95, size
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    gen = tempfile.mkdtemp(prefix="bsc-gen-")
    subprocess.run(["cargo", "run", "--quiet", "--release", "--example", "gen", "--", "1000", gen], cwd=ROOT, check=True)
    largest = max((f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".bsc")),
                  key=lambda f: os.path.getsize(os.path.join(ROOT, "examples", f)))
    rows = [
        (f"examples/{largest}", *measure(largest, os.path.join(ROOT, "examples"), largest)),
        ("generated, 1,000 objectives", *measure("gen", gen, "main.bsc")),
    ]
    print("| scorecard | .bsc text | median | p95 |")
    print("|---|---|---|---|")
    for name, med, p95, size in rows:
        print(f"| {name} | {size / 1024:.0f} KiB | {med:.1f} ms | {p95:.1f} ms |")
    shutil.rmtree(gen, ignore_errors=True)


if __name__ == "__main__":
    main()
