#!/usr/bin/env python3
"""bsc's benchmarks, in one run: `python3 bench/run.py [--quick]`.

Prints a Markdown report (the tables of docs/performance.md): `bsc check` against the
floor of parsing the same model as JSON with serde_json, scaling from 1k to 10k to 100k
objectives, the strategy-map layout against Graphviz `dot -Tsvg` (time and crossings),
`bsc build` (HTML) time, peak memory, cold start, and human diagnostics against JSON on one
10 MB file with 625 warnings. Needs `dot` (Debian: graphviz,
installed with apt-get when missing) and `taskset` (util-linux) for the one-core column.
Every time is the best of several runs of a release build; --quick skips 100k.
"""
import json, os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL = os.path.join(ROOT, "target", "release")
BSC = os.path.join(REL, "bsc")
QUICK = "--quick" in sys.argv


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(cmd, repeat=3, cwd=None):
    """Best wall time in ms and the largest peak RSS in bytes over `repeat` runs."""
    best, rss = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        best = min(best, (time.perf_counter() - t) * 1000)
        rss = max(rss, usage.ru_maxrss * 1024)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{cmd} failed")
    return best, rss


def size(folder):
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder) if f.endswith(".bsc"))


def cross(p1, p2, p3, p4):
    d = lambda a, b, c: (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2, d3, d4 = d(p3, p4, p1), d(p3, p4, p2), d(p1, p2, p3), d(p1, p2, p4)
    e = 1e-9
    return ((d1 > e and d2 < -e) or (d1 < -e and d2 > e)) and ((d3 > e and d4 < -e) or (d3 < -e and d4 > e))


def polyline_crossings(lines):
    """Pairs of polylines that cross at least once (the metric layout_bench uses)."""
    boxes = [(min(p[0] for p in l), min(p[1] for p in l), max(p[0] for p in l), max(p[1] for p in l)) for l in lines]
    order = sorted(range(len(lines)), key=lambda i: boxes[i][0])
    n = 0
    for k, i in enumerate(order):
        for j in order[k + 1:]:
            if boxes[j][0] > boxes[i][2]:
                break
            if boxes[j][1] > boxes[i][3] or boxes[i][1] > boxes[j][3]:
                continue
            a, b = lines[i], lines[j]
            if any(cross(a[s], a[s + 1], b[t], b[t + 1]) for s in range(len(a) - 1) for t in range(len(b) - 1)):
                n += 1
    return n


def dot_layout(dot_file):
    """dot's time (ms, best of 3) for -Tsvg and the crossings of its edge splines."""
    best, _ = timed(["dot", "-Tsvg", dot_file, "-o", os.devnull])
    plain = run(["dot", "-Tplain", dot_file]).stdout
    lines = []
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "edge":
            n = int(parts[3])
            pts = [(float(parts[4 + 2 * i]), float(parts[5 + 2 * i])) for i in range(n)]
            lines.append(pts)
    return best, polyline_crossings(lines)


def warnings_file(path, objectives=10000, every=16):
    """One file of about 10 MB: `objectives` objectives in a chain, each with two measures
    of twelve actuals; every `every`-th objective has no owner (625 `no-owner` warnings,
    spread from the top of the file to the bottom; and `focus`)."""
    months = ", ".join(f"2025-{m:02}: {60 + m}.5" for m in range(1, 13))
    persp = ["learning", "internal", "customer", "financial"]
    with open(path, "w") as f:
        f.write('scorecard "Warnings" { owner "CEO" period 2025-01 .. 2025-12 }\n')
        for i in range(objectives):
            owner = "" if i % every == every - 1 else '    owner "Head of unit ' + str(i) + '"\n'
            f.write(f"perspective {persp[i * 4 // objectives]} {{\n")
            f.write(f'  /// Objective number {i}, one of a long chain of cause and effect.\n')
            f.write(f'  objective o{i} "Objective {i}" {{\n{owner}')
            for m in "ab":
                f.write(f'    measure m{i}{m} "Measure {i}{m}" {{\n      unit "%" direction up baseline 55% target 70% by 2025-06 target 80% by 2025-12 threshold 65%\n')
                f.write(f'      source "Monthly report of unit {i}, table {m}"\n')
                f.write(f"      frequency monthly\n      actuals {{ {months} }}\n    }}\n")
            f.write("  }\n}\n")
        f.write("map {\n")
        for i in range(objectives - 1):
            f.write(f'  o{i} -> o{i + 1} : "step {i}"\n')
        f.write("}\n")


def install_missing():
    """Installs Debian's graphviz (and util-linux) when `dot` (or `taskset`) is missing."""
    missing = [pkg for cmd, pkg in [("dot", "graphviz"), ("taskset", "util-linux")] if shutil.which(cmd) is None]
    if not missing:
        return
    print(f"bench: installing {' '.join(missing)} from Debian", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdout=subprocess.DEVNULL)


def main():
    install_missing()
    run(["cargo", "build", "--release", "--quiet", "--bin", "bsc", "--example", "gen", "--example", "json_floor", "--example", "layout_bench"], cwd=ROOT)
    work = tempfile.mkdtemp(prefix="bsc-bench-")
    sizes = [1000, 10000] + ([] if QUICK else [100000])
    out = []
    out.append("## `bsc check` against the JSON floor, and scaling\n")
    out.append(f"| objectives | .bsc text | `bsc check` ({len(os.sched_getaffinity(0))} cores) | on one core | serde_json `Value` of the same model | ratio (target ≤ 2×) | ratio on one core | peak RSS | RSS / input (target ≤ 15×) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    checks = {}
    for n in sizes:
        d = os.path.join(work, f"gen{n}")
        run([os.path.join(REL, "examples", "gen"), str(n), d])
        t, rss = timed([BSC, "check", "main.bsc", "--format", "json"], cwd=d)
        # The loader parses imports side by side; pinned to one core, it cannot.
        t1, _ = timed(["taskset", "-c", "0", BSC, "check", "main.bsc", "--format", "json"], cwd=d)
        floor = float(run([os.path.join(REL, "examples", "json_floor"), os.path.join(d, "model.json")]).stdout)
        checks[n] = t
        s = size(d)
        out.append(f"| {n:,} | {s / 1e6:.1f} MB | {t:.0f} ms | {t1:.0f} ms | {floor:.0f} ms ({os.path.getsize(os.path.join(d, 'model.json')) / 1e6:.1f} MB) | {t / floor:.2f}× | {t1 / floor:.2f}× | {rss / 1e6:.0f} MB | {rss / s:.1f}× |")
    out.append("")
    out.append("| scaling | ratio (target ≤ 11) |")
    out.append("|---|---|")
    for a, b in zip(sizes, sizes[1:]):
        out.append(f"| {b:,} / {a:,} objectives | {checks[b] / checks[a]:.1f} |")
    out.append("")

    out.append("## `bsc build` (HTML)\n")
    out.append("| objectives | time | report size |")
    out.append("|---|---|---|")
    for n in [1000, 10000]:
        d = os.path.join(work, f"gen{n}")
        t, _ = timed([BSC, "build", "main.bsc", "-o", "out.html"], 3, cwd=d)
        out.append(f"| {n:,} | {t:.0f} ms | {os.path.getsize(os.path.join(d, 'out.html')) / 1e6:.1f} MB |")
    out.append("")

    out.append("## Strategy-map layout against Graphviz `dot -Tsvg`\n")
    out.append("| map | objectives | links | bsc layout | dot -Tsvg | time ratio (target ≤ 0.1×) | crossings bsc | crossings dot |")
    out.append("|---|---|---|---|---|---|---|---|")
    maps = [(f"examples/{f}", os.path.join(ROOT, "examples", f)) for f in sorted(os.listdir(os.path.join(ROOT, "examples"))) if f.endswith(".bsc")]
    for n in [100, 1000]:
        d = os.path.join(work, f"map{n}")
        run([os.path.join(REL, "examples", "gen"), str(n), d])
        maps.append((f"generated {n}", os.path.join(d, "main.bsc")))
    for name, path in maps:
        dot_file = os.path.join(work, "map.dot")
        r = json.loads(run([os.path.join(REL, "examples", "layout_bench"), path, dot_file]).stdout)
        dt, dc = dot_layout(dot_file)
        out.append(f"| {name} | {r['objectives']} | {r['links']} | {r['layout_ms']:.2f} ms | {dt:.0f} ms | {r['layout_ms'] / dt:.3f}× | {r['crossings']} | {dc} |")
    out.append("")

    # Human diagnostics draw a source snippet per diagnostic; each must be found from the
    # line index, not by scanning the file from its start.
    big = os.path.join(work, "warnings.bsc")
    warnings_file(big)
    th, _ = timed([BSC, "check", big])
    tj, _ = timed([BSC, "check", big, "--format", "json"])
    count = json.loads(run([BSC, "check", big, "--format", "json"]).stdout)["warnings"]
    out.append("## Human diagnostics against JSON\n")
    out.append("| file | diagnostics | `bsc check` (human) | `--format json` | ratio (target ≤ 2×) |")
    out.append("|---|---|---|---|---|")
    out.append(f"| one file, {os.path.getsize(big) / 1e6:.1f} MB | {count} warnings | {th:.0f} ms | {tj:.0f} ms | {th / tj:.2f}× |")
    out.append("")

    largest = max((p for _, p in maps[:-2]), key=os.path.getsize)
    t, _ = timed([BSC, "check", largest], 10)
    out.append("## Cold start\n")
    out.append(f"`bsc check {os.path.relpath(largest, ROOT)}` (the largest example): **{t:.1f} ms** (best of 10, a new process each time).\n")
    print("\n".join(out))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
