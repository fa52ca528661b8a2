#!/usr/bin/env python3
"""OctoPrint's own VirtualPrinter behind a pseudo-terminal, for any serial host.

Runs ``octoprint.plugins.virtual_printer.virtual.VirtualPrinter`` (the object
OctoPrint's ``VIRTUAL`` port talks to, settings initialised in a temporary
basedir as Scripts/bench-octoprint.py does) and connects it to a pty, so that
a serial host (the 3dp-agent, OctoPrint MachineCom on a real port, a terminal)
can talk to it:

  * ``os.openpty()``; the slave is put in raw mode (no echo, no CR/LF
    translation, no canonical buffering) and kept open here, so the pty
    survives the host closing and reopening it;
  * the slave's path is the first stdout line (flushed);
  * bytes the host writes are split into lines, and every complete line is
    handed to ``VirtualPrinter.write()`` on its own (partial writes against
    the VP's rxBuffer are retried, a full buffer blocks like flow control);
  * a thread copies ``VirtualPrinter.readline()`` to the host, each line
    terminated by exactly one ``\\n``;
  * SIGINT / SIGTERM stop it cleanly; counters go to stderr on exit.

Why a naive bridge gets no answer to the hello (``N0 M110 N0*125``):

  1. ``VirtualPrinter._processIncoming`` takes ONE line per chunk that
     ``write()`` queued: it appends the chunk to its buffer and cuts out the
     first ``\\n``-terminated line; a second line in the same chunk stays in
     the buffer until the next chunk arrives.  Forwarding raw ``os.read()``
     chunks therefore leaves the hello (or any later line) stuck behind the
     first line of a chunk.  Lines are handed over one per ``write()`` here.
  2. ``VirtualPrinter._send("ok")`` queues ``ok`` WITHOUT a line terminator
     (MachineCom gets one line per ``readline()`` call and does not care);
     copied verbatim to a byte stream, ``ok`` never ends a line for the host.
     Here every line gets exactly one ``\\n`` (a trailing ``\\r\\n``/``\\n``
     of the VP's own is stripped first).
  3. A pty slave starts in cooked mode with ECHO, ICRNL and ONLCR: what the
     bridge writes to the master is echoed back to it (and fed to the VP as
     host input), ``\\n`` written by the host arrives as ``\\r\\n``... The
     slave is switched to raw mode before its path is printed.
  4. ``readline()`` blocks for up to its read timeout (5 s in OctoPrint);
     it is set short here so stopping is quick.

``simulateReset`` (default on) queues the VP's reset lines (``start``,
``Marlin: Virtual Marlin!``, a ``\\x80`` byte, ``SD card ok``) when the
VirtualPrinter is created, i.e. once, before any host opened the port; they
wait in the pty until the host reads (a host that flushes its input on open
never sees them).  ``--no-simulate-reset`` suppresses them.

Error injection, all OctoPrint VP's own:
  --resend-ratio N   VP setting ``resend_ratio``: every (100 // N)-th line the
                     VP receives is answered ``Error:Checksum mismatch`` +
                     ``Resend:<lastN + 1>`` + ``ok`` (see the report for what
                     that does to line numbering: the line has already been
                     accepted as N, so the resend names the NEXT line and the
                     dropped line is never executed);
  --simulated-errors keep the VP's default ``simulated_errors`` (lines 100,
                     105, 110, 115); cleared by default;
  --no-ok-after-resend  VP ``brokenResend``: no ``ok`` after ``Resend:``.
  (The VP's ``okAfterResend`` setting exists in the plugin defaults but is not
  read anywhere in virtual.py; ``brokenResend`` is what decides.)

Moves are made instant (feed- and flow-rate multiplier 0, as M220 S0 / M221
S0 would), unless ``--real-move-time``: the VP otherwise sleeps 0.1x each
move's duration at F200 by default, ~1 s per dense segment.

Run it with the Python that has OctoPrint installed:

  /tmp/octo/bin/python Scripts/octoprint-virtual-printer-pty.py --resend-ratio 2
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import termios
import threading
import time
import tty


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resend-ratio", type=int, default=0,
                   help="VP resend_ratio: percent of received lines answered with a "
                        "checksum-error resend (0-100, default 0)")
    p.add_argument("--ok-after-resend", dest="ok_after_resend", action="store_true",
                   default=True, help="send 'ok' after 'Resend:' (default; VP brokenResend false)")
    p.add_argument("--no-ok-after-resend", dest="ok_after_resend", action="store_false",
                   help="no 'ok' after 'Resend:' (VP brokenResend true)")
    p.add_argument("--simulated-errors", action="store_true",
                   help="keep the VP's default simulated_errors at lines 100-115")
    p.add_argument("--rx-buffer", type=int, help="VP rxBuffer in bytes (VP default 64)")
    p.add_argument("--command-buffer", type=int, help="VP commandBuffer, queued moves (default 4)")
    p.add_argument("--ok-before-command-output", action="store_true", default=None,
                   help="VP okBeforeCommandOutput")
    p.add_argument("--force-checksum", action="store_true", default=None,
                   help="VP forceChecksum: lines without checksum get an error")
    p.add_argument("--ok-format", help="VP okFormatString, e.g. 'ok N{lastN} P0 B{buffer}'")
    p.add_argument("--simulate-reset", dest="simulate_reset", action="store_true", default=True,
                   help="queue the VP's reset lines (start, ...) at start-up (default)")
    p.add_argument("--no-simulate-reset", dest="simulate_reset", action="store_false")
    p.add_argument("--no-send-wait", dest="send_wait", action="store_false", default=True,
                   help="VP sendWait off: no 'wait' line after each idle second")
    p.add_argument("--real-move-time", action="store_true",
                   help="keep the VP's move sleeping (default: moves instant)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                   help="any other VP setting, e.g. --set sendBusy=true (repeatable)")
    p.add_argument("--link", help="also create this symbolic link to the pty")
    p.add_argument("--serial-log", help="append the VP's serial log (<<< / >>>) to this file")
    p.add_argument("--read-timeout", type=float, default=0.25, help=argparse.SUPPRESS)
    return p.parse_args()


def init_octoprint(tmp):
    """Settings and plugin manager as Scripts/bench-octoprint.py's worker does."""
    import octoprint
    import octoprint.plugin
    import octoprint.plugins
    from octoprint import octoprint_plugin_inject_factory, settings_plugin_inject_factory
    from octoprint.printer.profile import PrinterProfileManager
    from octoprint.settings import settings

    basedir = os.path.join(tmp, "basedir")
    os.makedirs(basedir)
    s = settings(init=True, basedir=basedir)
    s.set(["plugins", "virtual_printer", "enabled"], True, force=True)
    bundled = os.path.dirname(os.path.realpath(octoprint.plugins.__file__))
    names = sorted(
        n for n in os.listdir(bundled)
        if not n.startswith("_") and os.path.isdir(os.path.join(bundled, n))
    )
    pm = octoprint.plugin.plugin_manager(
        init=True,
        plugin_folders=[(bundled, "octoprint.plugins", True)],
        plugin_entry_points=[],
        plugin_disabled_list=[n for n in names if n != "virtual_printer"],
    )
    pm.reload_plugins(startup=True, initialize_implementations=False)
    ppm = PrinterProfileManager()
    pm.initialize_implementations(
        additional_inject_factories=[
            octoprint_plugin_inject_factory(s, {"plugin_manager": pm, "printer_profile_manager": ppm}),
            settings_plugin_inject_factory(s),
        ]
    )
    info = pm.get_plugin_info("virtual_printer")
    if info is None or "virtual_printer" not in pm.enabled_plugins:
        raise RuntimeError("virtual_printer plugin did not load")
    return info.implementation, ppm


def main():
    args = parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")

    tmp = tempfile.mkdtemp(prefix="octoprint-vp-pty-")
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        return run(args, tmp, stop)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp, stop):
    impl, ppm = init_octoprint(tmp)
    vs = impl._settings  # the plugin's settings (plugins.virtual_printer.*)

    def put(key, value):
        vs.set([key], value, force=True)

    put("resend_ratio", int(args.resend_ratio))
    put("brokenResend", not args.ok_after_resend)
    if not args.simulated_errors:
        put("simulated_errors", [])
    if args.rx_buffer is not None:
        put("rxBuffer", args.rx_buffer)
    if args.command_buffer is not None:
        put("commandBuffer", args.command_buffer)
    if args.ok_before_command_output:
        put("okBeforeCommandOutput", True)
    if args.force_checksum:
        put("forceChecksum", True)
    if args.ok_format:
        put("okFormatString", args.ok_format)
    put("simulateReset", bool(args.simulate_reset))
    put("sendWait", bool(args.send_wait))
    for kv in args.set:
        key, _, value = kv.partition("=")
        try:
            value = json.loads(value)
        except ValueError:
            pass  # plain string
        put(key, value)

    # The pty first, raw, so nothing the VP says early is echoed or translated.
    master, slave = os.openpty()
    tty.setraw(slave, termios.TCSANOW)
    path = os.ttyname(slave)
    os.set_blocking(master, False)
    if args.link:
        try:
            os.unlink(args.link)
        except FileNotFoundError:
            pass
        os.symlink(path, args.link)

    seriallog_handler = None
    if args.serial_log:
        import logging

        seriallog_handler = logging.FileHandler(args.serial_log)
        seriallog_handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))

    from octoprint.plugins.virtual_printer import virtual

    vp = virtual.VirtualPrinter(
        vs,
        ppm,
        data_folder=impl.get_plugin_data_folder(),
        seriallog_handler=seriallog_handler,
        read_timeout=args.read_timeout,
        faked_baudrate=115200,
    )
    if not args.real_move_time:
        vp._feedrate_multiplier = 0
        vp._flowrate_multiplier = 0

    # Counters: resends the VP asked for, moves it executed (with their E
    # values: the dense bench G-code has E<i> on its i-th line, so missing or
    # repeated E values are lines lost or executed twice).
    counters = {"host_lines": 0, "vp_lines": 0, "resend_requests": 0, "moves": 0}
    e_values = []
    e_re = re.compile(r"E(-?[0-9.]+)")
    orig_trigger = vp._triggerResend
    orig_move = vp._gcode_G0

    def counting_trigger(*a, **kw):
        counters["resend_requests"] += 1
        return orig_trigger(*a, **kw)

    def counting_move(data):
        counters["moves"] += 1
        m = e_re.search(data)
        if m:
            try:
                e_values.append(float(m.group(1)))
            except ValueError:
                pass
        return orig_move(data)

    vp._triggerResend = counting_trigger
    for name in ("_gcode_G0", "_gcode_G1", "_gcode_G2", "_gcode_G3"):
        setattr(vp, name, counting_move)

    sys.stdout.write(path + "\n")
    sys.stdout.flush()

    write_lock = threading.Lock()

    def write_all(data):
        with write_lock:
            while data and not stop.is_set():
                try:
                    n = os.write(master, data)
                except BlockingIOError:
                    select.select([], [master], [], 0.1)
                    continue
                except OSError:
                    return
                data = data[n:]

    def vp_to_host():
        while not stop.is_set():
            try:
                line = vp.readline()
            except Exception as e:  # SerialTimeoutException on debug drop etc.
                sys.stderr.write(f"vp-pty: readline: {e!r}\n")
                time.sleep(0.1)
                continue
            if not line:
                if vp.outgoing is None:
                    return
                continue
            line = line.rstrip(b"\r\n") + b"\n"
            counters["vp_lines"] += 1
            write_all(line)

    reader = threading.Thread(target=vp_to_host, name="vp-to-host", daemon=True)
    reader.start()

    from serial import SerialTimeoutException

    def hand_to_vp(line):
        counters["host_lines"] += 1
        while line and not stop.is_set():
            try:
                n = vp.write(line)
            except SerialTimeoutException:
                continue  # rxBuffer full for write_timeout: keep waiting
            if not n:
                if vp.incoming is None:
                    return
                time.sleep(0.001)
                continue
            line = line[n:]

    buf = b""
    while not stop.is_set():
        try:
            r, _, _ = select.select([master], [], [], 0.2)
        except InterruptedError:
            continue
        if not r:
            continue
        try:
            chunk = os.read(master, 65536)
        except BlockingIOError:
            continue
        except OSError:  # EIO: no slave side (cannot happen while we hold it)
            time.sleep(0.05)
            continue
        if not chunk:
            continue
        buf += chunk
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            line, buf = buf[: nl + 1], buf[nl + 1:]
            hand_to_vp(line)

    vp.close()
    reader.join(2)
    distinct = set(e_values)
    counters["moves_distinct_e"] = len(distinct)
    counters["moves_repeated"] = len(e_values) - len(distinct)
    if distinct:
        ints = {int(e) for e in distinct if e == int(e) and e >= 1}
        if ints:
            top = max(ints)
            counters["max_e"] = top
            missing = sorted(set(range(1, top + 1)) - ints)
            counters["e_missing"] = len(missing)
            counters["e_missing_first"] = missing[:10]
    sys.stderr.write("vp-pty counters " + json.dumps(counters) + "\n")
    sys.stderr.flush()
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass
    if args.link:
        try:
            os.unlink(args.link)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
