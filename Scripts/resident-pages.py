#!/usr/bin/env python3
"""Which parts of a running program's own binary are resident: the pages of its mappings that /proc/PID/pagemap
marks present, by ELF section and by the module that owns the symbol at each page (Swift symbols by their module
name, ICU's C++ by namespace, the rest by library prefix). Answers "what in the static binary costs RSS".

    sudo Scripts/resident-pages.py PID [UNSTRIPPED_BINARY]

The binary is /proc/PID/exe; symbols come from UNSTRIPPED_BINARY when given (the same link before strip), since a
stripped binary keeps its section headers but not its symbols. Reading pagemap needs root.
"""
import bisect
import collections
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def binary_mappings(pid, exe):
    for line in open(f"/proc/{pid}/maps"):
        fields = line.split()
        if len(fields) >= 6 and os.path.realpath(fields[5]) == exe:
            start, end = (int(x, 16) for x in fields[0].split("-"))
            yield start, end, int(fields[2], 16)


def resident_file_offsets(pid, exe):
    offsets = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for start, end, offset in binary_mappings(pid, exe):
            pagemap.seek(start // PAGE * 8)
            data = pagemap.read((end - start) // PAGE * 8)
            for index in range(len(data) // 8):
                (entry,) = struct.unpack_from("<Q", data, index * 8)
                if entry >> 63:  # present
                    offsets.append(offset + index * PAGE)
    return offsets


def sections(binary):
    """(file offset, size, name) of the allocated sections with file contents."""
    out = subprocess.run(["readelf", "-W", "-S", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
        if match and "A" in match.group(6) and match.group(2) != "NOBITS":
            found.append((int(match.group(4), 16), int(match.group(5), 16), match.group(1), int(match.group(3), 16)))
    return sorted(found)


SWIFT = re.compile(r"^\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)")


def owner(symbol):
    if symbol.startswith("$s"):
        if symbol.startswith("$ss"):
            return "Swift stdlib"
        if symbol.startswith("$sSo") or symbol.startswith("$sSC"):
            return "C imports"
        match = SWIFT.match(symbol)
        if match:
            name = match.group(2)[: int(match.group(1))]
            return name
        return "Swift (other)"
    if "icu_" in symbol or symbol.startswith("ucol_") or symbol.startswith("u_") or re.match(r"^(u|ucnv|ures|udat|unum|uloc|ucal|ubrk|utrans|uset|uprv|ustr|utext|uregex)\w*", symbol) or "icudt" in symbol:
        return "ICU"
    if symbol.startswith("_ZN") or symbol.startswith("_Z"):
        return "C++ (other)"
    if symbol.startswith("__CF") or symbol.startswith("CF") or symbol.startswith("_CF"):
        return "CoreFoundation"
    if symbol.startswith("swift_") or symbol.startswith("_swift"):
        return "Swift runtime"
    if symbol.startswith("dispatch_") or symbol.startswith("_dispatch"):
        return "libdispatch"
    if symbol.startswith("CNIOBoringSSL") or symbol.startswith("CCryptoBoringSSL"):
        return "BoringSSL"
    if symbol.startswith("sqlite3"):
        return "SQLite"
    return "C (other)"


def symbol_table(binary):
    out = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True).stdout
    addresses, names = [], []
    for line in out.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3:
            addresses.append(int(parts[0], 16))
            names.append(parts[2])
    return addresses, names


def main():
    pid = int(sys.argv[1])
    exe = os.path.realpath(f"/proc/{pid}/exe")
    symbols_from = sys.argv[2] if len(sys.argv) > 2 else exe
    offsets = resident_file_offsets(pid, exe)
    table = sections(exe)
    by_section = collections.Counter()
    by_owner = collections.Counter()
    starts = [entry[0] for entry in table]
    addresses, names = symbol_table(symbols_from)
    for offset in offsets:
        index = bisect.bisect_right(starts, offset) - 1
        section, address = "(no section)", None
        if index >= 0 and offset < table[index][0] + max(table[index][1], 1):
            section = table[index][2]
            address = table[index][3] + (offset - table[index][0])
        by_section[section] += PAGE
        if address is not None and addresses:
            # Every symbol a page overlaps would be fairer; the one at its start is close enough to rank owners.
            at = bisect.bisect_right(addresses, address) - 1
            by_owner[owner(names[at]) if at >= 0 else "?"] += PAGE
    total = len(offsets) * PAGE
    print(f"{exe}: {total / 1048576:.1f} MiB of the binary resident")
    print("by section:")
    for name, size in by_section.most_common(15):
        print(f"  {size / 1048576:7.2f} MiB  {name}")
    print("by owner of the symbol at each page:")
    for name, size in by_owner.most_common(25):
        print(f"  {size / 1048576:7.2f} MiB  {name}")


if __name__ == "__main__":
    main()
