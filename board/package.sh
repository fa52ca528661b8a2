#!/usr/bin/env bash
# Builds the Debian package 3dp-agent_<version>_<arch>.deb for this machine's architecture (amd64 here; the same
# script on an arm64 board or runner gives arm64): the agent built with the Swift runtime linked in, stripped, so the
# board needs only Debian's own libraries and no Swift toolchain.
#
#   board/package.sh                    build the release binary (in .build-package/) and the package into .build-deb/
#   board/package.sh --skip-build       package the binary already built there
#   board/package.sh --output DIR       write the .deb into DIR
#   board/package.sh --no-link-order    link without the profile of the agent's hot functions (no valgrind needed)
#
# Needs: swift, dpkg-dev (dpkg-shlibdeps), binutils (strip, objdump), valgrind and python3 for the link order.
# Install the result with
#   sudo apt install ./3dp-agent_<version>_<arch>.deb
set -euo pipefail

readonly repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
output="$repo/.build-deb"
skip_build=0
link_order=1
while (($#)); do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --output) output="$2"; shift ;;
        --no-link-order) link_order=0 ;;
        -h | --help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "package.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

readonly package=3dp-agent
arch="$(dpkg --print-architecture)"
# The same flags as the build, so --show-bin-path names the folder the binary is in. The static Swift runtime's
# link arguments export every symbol (-export-dynamic: 44,000 of them, 4 MB of file and about 1 MB of RSS for the
# dynamic linker's tables); the agent loads no plug-in that would look them up, so they stay local.
#
# Resident memory (issue 12): the kernel maps a binary's pages 64 KiB around each fault, so code run sparsely across
# 30 MB of .text costs far more than the bytes run. Every function gets a section of its own, lld places the ones
# the agent runs (Scripts/link-order.py: start, idle, a print with subscribers, a download, under callgrind) first,
# and --gc-sections drops the rest it never reaches; packed relative relocations (glibc >= 2.36) keep the
# relocation table small. Swift's function merging is off: it leaves tiny thunks without a symbol (jumps to the
# merged "...Tm" body) that an ordering file cannot name, so they stayed scattered through the cold code.
# Measured with bench footprint --idle-seconds 10: idle 40.0 -> 31.5 MiB with the order, 27.9 without merging.
# A folder of its own: these flags rebuild everything, and the development builds in .build stay as they are.
#
# libstdc++ (the Swift runtime's and ICU's C++) is linked statically as well: the shared library cost 1.4 MiB of
# resident pages (its relocations and start-up touch them) for the few functions the agent calls, which, linked
# in, take their place in the ordered code (idle 23.8 -> 23.0 MiB, printing 29.5 -> 28.4). The static Swift
# runtime's link arguments name -lstdc++ and the linker takes the first libstdc++ its search path finds, so a
# folder holding only GCC's libstdc++.a (built position-independent, one section per function) goes first.
static_cxx="$repo/.build-package/static-libstdc++"
gcc_cxx="$(gcc -print-file-name=libstdc++.a)"
[[ "$gcc_cxx" == /* && -f "$gcc_cxx" ]] || { echo "package.sh: GCC's libstdc++.a is missing (apt-get install libstdc++-12-dev)" >&2; exit 1; }
mkdir -p "$static_cxx"
ln -sf "$gcc_cxx" "$static_cxx/libstdc++.a"
build_flags=(-c release --static-swift-stdlib --scratch-path "$repo/.build-package" --package-path "$repo"
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections
    -Xswiftc -Xfrontend -Xswiftc -disable-llvm-merge-functions-pass
    -Xswiftc -use-ld=lld -Xlinker --no-export-dynamic -Xlinker -z -Xlinker pack-relative-relocs
    -Xswiftc -L"$static_cxx")
if ((!skip_build)); then
    # Its output on standard error: standard output is the path of the package alone.
    swift build "${build_flags[@]}" --product 3dp-agent >&2
    if ((link_order)); then
        order="$repo/.build-package/link-order.txt"
        "$repo/Scripts/link-order.py" "$(swift build "${build_flags[@]}" --show-bin-path)/3dp-agent" "$order" >&2
        # Only the link runs again.
        swift build "${build_flags[@]}" -Xlinker --symbol-ordering-file="$order" -Xlinker --no-warn-symbol-ordering \
            --product 3dp-agent >&2
    fi
fi
built="$(swift build "${build_flags[@]}" --show-bin-path)/3dp-agent"
[[ -x "$built" ]] || { echo "package.sh: $built is missing" >&2; exit 1; }
# A binary linked to the toolchain's shared Swift runtime would not start on a board without the toolchain.
if objdump -p "$built" | grep 'NEEDED.*libswift\|NEEDED.*libFoundation\|NEEDED.*libdispatch' >/dev/null; then
    echo "package.sh: $built links the shared Swift runtime; build it with --static-swift-stdlib" >&2
    exit 1
fi
if objdump -p "$built" | grep 'NEEDED.*libstdc++' >/dev/null; then
    echo "package.sh: $built links the shared libstdc++: the folder with libstdc++.a was not searched first" >&2
    exit 1
fi
version="$("$built" --version)"
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "package.sh: odd version '$version'" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

# The files. Debian puts units and udev rules under /lib (bookworm); /usr/local is the administrator's, so the
# unit's ExecStart moves from install.sh's /usr/local/bin to /usr/bin.
install -d "$root/usr/bin" "$root/lib/systemd/system" "$root/lib/udev/rules.d" "$root/etc/$package" \
    "$root/usr/share/$package/profiles" "$root/usr/share/doc/$package" "$root/usr/share/man/man1" \
    "$root/usr/share/lintian/overrides" "$root/DEBIAN"
# What dh_strip removes: debug symbols, .comment and .note (the build id stays, in .note.gnu.build-id).
strip --remove-section=.comment --remove-section=.note --strip-unneeded -o "$root/usr/bin/3dp-agent" "$built"
chmod 0755 "$root/usr/bin/3dp-agent"
sed -e 's|/usr/local/bin/3dp-agent|/usr/bin/3dp-agent|' \
    -e 's|^# Installed by board/install.sh to /etc/systemd/system/\.|# Installed by the 3dp-agent package to /lib/systemd/system/.|' \
    "$repo/board/3dp-agent.service" >"$root/lib/systemd/system/3dp-agent.service"
grep -q '^ExecStart=/usr/bin/3dp-agent run --config /etc/3dp-agent/3dp-agent.toml$' "$root/lib/systemd/system/3dp-agent.service" \
    || { echo "package.sh: the unit's ExecStart is not the packaged binary and config" >&2; exit 1; }
install -m 0644 "$repo/udev/60-3dp-agent.rules" "$root/lib/udev/rules.d/"
install -m 0644 "$repo/board/3dp-agent.toml" "$root/etc/$package/3dp-agent.toml"
install -m 0644 "$repo"/Sources/Slicing/Profiles/*-generic.{ini,def.json} "$root/usr/share/$package/profiles/"
install -m 0644 "$repo/board/README.md" "$root/usr/share/doc/$package/README.board.md"
install -m 0644 "$repo/board/debian/copyright" "$root/usr/share/doc/$package/copyright"
sed "s/@VERSION@/$version/" "$repo/board/debian/3dp-agent.1" | gzip -9n >"$root/usr/share/man/man1/3dp-agent.1.gz"
install -m 0644 "$repo/board/debian/lintian-overrides" "$root/usr/share/lintian/overrides/$package"
# A native package (no Debian revision): its changelog is changelog.gz, compressed reproducibly.
sed "s/@VERSION@/$version/" "$repo/board/debian/changelog" | gzip -9n >"$root/usr/share/doc/$package/changelog.gz"
for script in postinst prerm postrm; do
    install -m 0755 "$repo/board/debian/$script" "$root/DEBIAN/$script"
done
echo "/etc/$package/3dp-agent.toml" >"$root/DEBIAN/conffiles"

# Depends: the Debian packages of the libraries the binary links, from dpkg-shlibdeps (which needs a debian/control
# to run in), then checked: every NEEDED library must be one that dpkg knows.
install -d "$work/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$package" "$package" >"$work/src/debian/control"
shlibs="$(cd "$work/src" && dpkg-shlibdeps -O -e"$root/usr/bin/3dp-agent" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[[ -n "$shlibs" ]] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
for library in $(objdump -p "$root/usr/bin/3dp-agent" | awk '$1 == "NEEDED" { print $2 }'); do
    # awk reads to the end: one that stopped at the match could leave ldconfig writing into a closed pipe (SIGPIPE,
    # which pipefail makes this script's failure).
    path="$(ldconfig -p | awk -v lib="$library" '$1 == lib && !found { print $NF; found = 1 }')"
    if [[ -z "$path" ]] || ! { dpkg -S "$path" || dpkg -S "$(readlink -f "$path")"; } >/dev/null 2>&1; then
        echo "package.sh: $library is not from a Debian package" >&2
        exit 1
    fi
done

# md5sums as dh_md5sums writes them (conffiles have theirs in dpkg's database), for debsums and dpkg --verify.
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    -e "s/@SHLIBS@/$shlibs/" "$repo/board/debian/control" >"$root/DEBIAN/control"

mkdir -p "$output"
deb="$output/${package}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
