#!/usr/bin/env python3
"""Runs what `.pre-commit-hooks.yaml` and `action.yml` would run, with the bsc binary
given as the first argument, on the repository's examples (a clean project and a broken
copy of it), and checks their exit codes and outputs. The install step of the action
(`cargo install --path`) is replaced by the binary already built.

    python3 tests/ci/hooks_and_action.py target/debug/bsc
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def main():
    bsc = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bsc", "bin")
        os.makedirs(bindir)
        os.symlink(bsc, os.path.join(bindir, "bsc"))
        clean = os.path.join(tmp, "clean")
        shutil.copytree(os.path.join(REPO, "examples", "project"), clean)
        broken = os.path.join(tmp, "broken")
        shutil.copytree(clean, broken)
        plan = os.path.join(broken, "plan.bsc")
        with open(plan, encoding="utf-8") as f:
            text = f.read()
        with open(plan, "w", encoding="utf-8") as f:
            f.write(text.replace("-> on_time_jobs :", "-> on_time_job :"))

        # pre-commit: each hook's entry with the changed files appended.
        with open(os.path.join(REPO, ".pre-commit-hooks.yaml"), encoding="utf-8") as f:
            hooks = {h["id"]: h for h in yaml.safe_load(f)}
        check(set(hooks) == {"bsc-check", "bsc-fmt"}, "two hooks: bsc-check and bsc-fmt")
        for h in hooks.values():
            check(h["language"] == "rust" and h["entry"].split()[0] == "bsc",
                  f"{h['id']}: built with cargo, runs bsc")
        entry = lambda hook, files: [bsc] + hooks[hook]["entry"].split()[1:] + files
        lib = ["lib/operations.bsc"]  # a changed library file, not an entry file
        r = subprocess.run(entry("bsc-check", lib), cwd=clean, capture_output=True, text=True)
        check(r.returncode == 0, "bsc-check passes on the clean project: " + r.stderr.strip())
        r = subprocess.run(entry("bsc-check", lib), cwd=broken, capture_output=True, text=True)
        check(r.returncode == 1 and "on_time_job" in r.stderr,
              "bsc-check of a library file reports the error in its entry file")
        r = subprocess.run(entry("bsc-fmt", ["plan.bsc"] + lib), cwd=clean, capture_output=True, text=True)
        check(r.returncode == 0, "bsc-fmt runs: " + r.stderr.strip())

        # The action: its steps' scripts, with its inputs as environment variables.
        with open(os.path.join(REPO, "action.yml"), encoding="utf-8") as f:
            action = yaml.safe_load(f)
        steps = action["runs"]["steps"]
        check(action["runs"]["using"] == "composite", "a composite action")
        check("cargo install --locked --path" in steps[0]["run"], "it installs bsc from the repository")

        def run_action(cwd, sarif):
            env = dict(os.environ, RUNNER_TEMP=tmp, GITHUB_ACTION_PATH=REPO,
                       BSC_PATH=".", BSC_ARGS="", BSC_SARIF=sarif)
            status = 0
            for step in steps[1:]:
                if step.get("if") and not sarif:
                    continue
                r = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env,
                                   capture_output=True, text=True)
                if r.returncode:
                    return r.returncode, r.stdout
                status, out = r.returncode, r.stdout
            return status, out

        status, out = run_action(clean, os.path.join(tmp, "clean.sarif"))
        check(status == 0 and out == "", "the action passes on the clean project")
        sarif_path = os.path.join(tmp, "broken.sarif")
        status, out = run_action(broken, sarif_path)
        check(status == 1, "the action fails on an error")
        check("::error file=plan.bsc" in out and "title=unknown-ref" in out,
              "the action annotates the error: " + out.strip()[:200])
        with open(sarif_path, encoding="utf-8") as f:
            sarif = json.load(f)
        results = sarif["runs"][0]["results"]
        check(any(r["ruleId"] == "unknown-ref" for r in results),
              "the action wrote SARIF with the error")
    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
