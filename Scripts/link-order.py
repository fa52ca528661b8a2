#!/usr/bin/env python3
"""The agent's hot functions, in the order a symbol-ordering file wants them: runs `bench footprint` on BINARY with
the agent under callgrind (start, idle, a print with WebSocket subscribers, a download), and writes every function of
BINARY that ran, by the first profile that names it, one mangled symbol per line.

    Scripts/link-order.py BINARY OUTPUT [--print-seconds N] [--download-mb N]

BINARY must keep its symbols (the link before strip). Linked with `ld.lld --symbol-ordering-file OUTPUT`, and with
every object built with function sections, the code the agent runs sits together instead of across 30 MB of `.text`:
the kernel maps file pages 64 KiB around each fault, so code touched sparsely costs far more resident memory than the
bytes run. Functions that did not run keep their place after the listed ones; a symbol no longer in the binary is
ignored by the linker, so an older file only helps less.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

FUNCTION = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")
OBJECT = re.compile(r"^c?ob=\((\d+)\)(?: (.*))?$")


def functions_of(profile, binary):
    """The functions of `binary` that ran, by first mention in a callgrind profile: each function that ran has a
    `fn=` block under the `ob=` of its object. Names are compressed, `(id) name` at first use and `(id)` after it,
    and the first use may be a call's `cob=`/`cfn=`, so names are collected from those lines too."""
    objects, names, ordered, seen = {}, {}, [], set()
    current_object = None
    with open(profile, errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            match = OBJECT.match(line)
            if match:
                number, name = match.groups()
                if name is not None:
                    objects[number] = os.path.realpath(name)
                if line.startswith("ob="):
                    current_object = objects.get(number)
                continue
            match = FUNCTION.match(line)
            if not match:
                continue
            number, name = match.groups()
            if name is not None:
                names[number] = name
            if line.startswith("fn=") and current_object == binary:
                name = names.get(number)
                if name and name not in seen:
                    seen.add(name)
                    ordered.append(name)
    return ordered


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("output")
    parser.add_argument("--idle-seconds", type=float, default=5)
    parser.add_argument("--print-seconds", type=float, default=10)
    parser.add_argument("--download-mb", type=int, default=32)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # Valgrind 3.19 (Debian 12) cannot read the DWARF 5 the toolchain writes; the symbol table is all it needs.
        binary = f"{folder}/3dp-agent"
        subprocess.run(["objcopy", "--strip-debug", arguments.binary, binary], check=True)
        launcher = f"valgrind --tool=callgrind --demangle=no --dump-line=no --compress-strings=yes " \
                   f"--callgrind-out-file={folder}/callgrind.%p"
        run = subprocess.run([binary, "bench", "footprint", "--idle-seconds", str(arguments.idle_seconds),
                              "--print-seconds", str(arguments.print_seconds), "--clients", "10",
                              "--download-mb", str(arguments.download_mb), "--agent-launcher", launcher],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            sys.exit(f"link-order: the profiled run failed:\n{run.stdout}")
        profiles = sorted(glob.glob(f"{folder}/callgrind.*"))
        if not profiles:
            sys.exit("link-order: callgrind wrote no profile")
        ordered, seen = [], set()
        for profile in profiles:
            for name in functions_of(profile, binary):
                if name not in seen:
                    seen.add(name)
                    ordered.append(name)
    if len(ordered) < 1000:
        sys.exit(f"link-order: only {len(ordered)} functions of {arguments.binary} ran: not a profile of the agent")
    with open(arguments.output, "w") as output:
        output.write("\n".join(ordered) + "\n")
    print(f"link-order: {len(ordered)} functions of {arguments.binary} ran; written to {arguments.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
