#!/usr/bin/env python3
"""Save -> output-renamed latency of `bsc watch`, median and p95 over 100 saves.

Usage: bench/watch_latency.py [BSC_BINARY]   (default: target/release/bsc)

For each scorecard (the largest example, and a generated 1,000-objective one) it starts
`bsc watch FILE --format html -o OUT`, then 100 times: rewrites the root file with a new
title, and polls (every 0.2 ms: a `stat`, and a read when the file was replaced) until OUT
holds the new title. The time from the end of
the write to the moment the new output is visible (the atomic rename) is one sample. The
figures include the debounce by design: that is what a user waits.

A title changes no table of the report; the generated scorecard is also measured with
saves that change one actual (the as-of month of a different objective's measure each
time, in the file that holds the objectives): its scores, its perspective's table, the
evidence of its links and the history change.
"""
import re
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BSC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "bsc")


def title_save(path, i):
    """Rewrites the root file with a new title; the text the output then holds."""
    text = open(path, encoding="utf-8").read()
    title = f"Latency run {i}"
    text = re.sub(r'scorecard "[^"]*"', f'scorecard "{title}"', text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return f">{title}<"


def actual_save(path, i):
    """Sets the December actual of objective i's first measure to a value no other save
    writes; the text the output then holds (its actual cell)."""
    text = open(path, encoding="utf-8").read()
    value = f"{700 + i}.25"
    head, rest = text.split(f"measure m{i}_0 ", 1)
    block, tail = rest.split("2025-12: ", 1)
    tail = re.sub(r"^[0-9.]+", value, tail, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + f"measure m{i}_0 " + block + "2025-12: " + tail)
    return f">{value} pts<"


def measure(name, src_dir, root_file, saves=100, edited=None, save=title_save):
    work = tempfile.mkdtemp(prefix="bsc-latency-")
    for f in os.listdir(src_dir):
        p = os.path.join(src_dir, f)
        if os.path.isfile(p) and (f.endswith(".bsc") or f.endswith(".csv")):
            shutil.copy(p, work)
        elif os.path.isdir(p) and f == "data":
            shutil.copytree(p, os.path.join(work, "data"))
    path = os.path.join(work, root_file)
    out = os.path.join(work, "out.html")
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
            needle = save(os.path.join(work, edited or root_file), i)
            t0 = time.perf_counter()
            seen = None
            while True:
                # The output is renamed into place: a new inode. Only then is it read
                # (reading 3 MB at every poll would take a core from the build).
                try:
                    st = os.stat(out)
                    if (st.st_ino, st.st_mtime_ns) != seen:
                        seen = (st.st_ino, st.st_mtime_ns)
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
        ("generated, 1,000 objectives, one actual changed",
         *measure("gen-actual", gen, "main.bsc", edited="part_0.bsc", save=actual_save)),
    ]
    print("| scorecard | .bsc text | median | p95 |")
    print("|---|---|---|---|")
    for name, med, p95, size in rows:
        print(f"| {name} | {size / 1024:.0f} KiB | {med:.1f} ms | {p95:.1f} ms |")
    shutil.rmtree(gen, ignore_errors=True)


if __name__ == "__main__":
    main()
