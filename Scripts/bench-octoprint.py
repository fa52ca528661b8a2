#!/usr/bin/env python3
"""Benchmark the 3dp-agent's serial driver and OctoPrint's against the same printers.

Hosts (the serial side), each printing the same dense generated G-code file
(``G1 X.. Y.. E<i>``, i = file line, default 20,000 lines):

  agent    ``3dp-agent print --port <pty> <file>`` (windowed, the agent's
           default window of 4 lines, or --window N); lines/s is taken from
           its summary line (``completed: ... (N lines/s); resend requests ..``);
  agent1   the same with ``--window 1`` (ping-pong);
  octo     OctoPrint's real ``octoprint.util.comm.MachineCom`` (settings in a
           temporary basedir, plugin manager initialised from the bundled
           plugins folder with only ``virtual_printer`` enabled); lines/s is
           file lines / wall time from startPrint() to on_comm_print_job_done,
           plus process CPU per line. OctoPrint's comm settings are left at
           their defaults (ackMax 1: one line in flight, line numbers and
           checksums while printing, autoreport if offered).

Peers (the printer side), started afresh for every run:

  sim             the 3dp-agent simulated Marlin on its pty (first stdout line
                  = pty path, stopped with SIGINT; --sim-arg passes options);
  sim-err         the same with ``--error-rate E`` (default 0.02: lines
                  corrupted both ways);
  sim-herr        the same with only host->printer lines corrupted
                  (``--host-error-rate E --printer-error-rate 0``);
  vp              OctoPrint's own VirtualPrinter behind a pty
                  (Scripts/octoprint-virtual-printer-pty.py, moves instant);
  vp-resend       the same with the VP's ``resend_ratio`` R (default 2 %);
  virtual         OctoPrint's VirtualPrinter in-process (port VIRTUAL),
                  MachineCom only, for reference;
  virtual-resend  the same with resend_ratio R.

Every run checks which file lines the peer executed (the simulator's --log,
the bridge's counters: the E value of each executed move), so lines lost or
executed twice show in the table. A run that makes no progress for --stall
seconds is stopped and counted as failed (the agent with SIGINT, which
cancels the job; MachineCom by closing the port). Every MachineCom run
happens in a fresh worker process so the OctoPrint singletons and the CPU
clock start clean.

Output: one line per run, then one table, peer x host, median lines/s over
--reps, and the ratios: each host's rate with errors over its error-free rate
on the same peer, and agent over OctoPrint with errors on the same peer.

Run it with the Python that has OctoPrint installed, e.g.:

  python3 -m venv /tmp/octo && /tmp/octo/bin/pip install OctoPrint
  /tmp/octo/bin/python Scripts/bench-octoprint.py .build/release/3dp-agent
  /tmp/octo/bin/python Scripts/bench-octoprint.py .build/release/3dp-agent \
      --cases sim,virtual          # the former MachineCom-only comparison

Everything has a timeout; temp dirs are removed at the end.
"""

import argparse
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# --------------------------------------------------------------------------- #
# worker: one OctoPrint MachineCom print in this process
# --------------------------------------------------------------------------- #


def write_gcode(path, lines):
    """Dense short segments on a circle, absolute E increasing by 1 per line."""
    import math

    with open(path, "w") as f:
        for i in range(1, lines + 1):
            a = i * 0.01
            x = 110.0 + 80.0 * math.cos(a)
            y = 110.0 + 80.0 * math.sin(a)
            f.write(f"G1 X{x:.3f} Y{y:.3f} E{i}\n")


def run_worker(args):
    import logging

    deadline = args.timeout

    # Hard watchdog: never outlive the deadline, whatever OctoPrint's threads do.
    def watchdog():
        sys.stderr.write(f"worker: watchdog fired after {deadline:.0f}s\n")
        sys.stderr.flush()
        os._exit(3)

    wd = threading.Timer(deadline, watchdog)
    wd.daemon = True
    wd.start()

    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # As in a stock install: the serial log is off (serial.log: false).
    serial_logger = logging.getLogger("SERIAL")
    serial_logger.setLevel(logging.CRITICAL)
    serial_logger.propagate = False
    if args.serial_log:  # debugging only: costs CPU per line
        serial_logger.setLevel(logging.DEBUG)
        serial_logger.propagate = True
        logging.getLogger().setLevel(logging.DEBUG)

    tmp = tempfile.mkdtemp(prefix="bench-octoprint-")
    try:
        return _worker_body(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _worker_body(args, tmp):
    import octoprint
    import octoprint.plugin
    import octoprint.plugins
    from octoprint import octoprint_plugin_inject_factory, settings_plugin_inject_factory
    from octoprint.printer.profile import PrinterProfileManager
    from octoprint.settings import settings
    from octoprint.util.comm import MachineCom, MachineComPrintCallback

    basedir = os.path.join(tmp, "basedir")
    os.makedirs(basedir)
    s = settings(init=True, basedir=basedir)
    if args.case == "virtual":
        # 1.4+ keeps the virtual printer under plugins.virtual_printer
        # (devel.virtualPrinter is only migrated there by the server).
        s.set(["plugins", "virtual_printer", "enabled"], True, force=True)
        # its defaults inject errors at lines 100-115 (one costs a 0.5 s resendOk
        # timeout); the simulator injects none by default
        s.set(["plugins", "virtual_printer", "simulated_errors"], [], force=True)
        s.set(["plugins", "virtual_printer", "resend_ratio"], args.resend_ratio, force=True)

    # Plugin manager as octoprint.init_pluginsystem does, but with every bundled
    # plugin except virtual_printer disabled (none of them hooks per-line work
    # except action_command_prompt's cheap queuing hook).
    bundled = os.path.dirname(os.path.realpath(octoprint.plugins.__file__))
    names = sorted(
        n
        for n in os.listdir(bundled)
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
            octoprint_plugin_inject_factory(
                s, {"plugin_manager": pm, "printer_profile_manager": ppm}
            ),
            settings_plugin_inject_factory(s),
        ]
    )
    if args.case == "virtual" and "virtual_printer" not in pm.enabled_plugins:
        raise RuntimeError("virtual_printer plugin did not load")

    gcode = os.path.join(tmp, "dense.gcode")
    write_gcode(gcode, args.lines)

    class Callback(MachineComPrintCallback):
        def __init__(self):
            self.state = None
            self.operational = threading.Event()
            self.done = threading.Event()
            self.error = None
            self.t_done = None
            self.cpu_done = None

        def on_comm_state_change(self, state):
            self.state = state
            if state == MachineCom.STATE_OPERATIONAL:
                self.operational.set()
            elif state in (MachineCom.STATE_ERROR, MachineCom.STATE_CLOSED_WITH_ERROR):
                self.error = self.error or f"state {state}"
                self.operational.set()
                self.done.set()

        def on_comm_error(self, error, reason, consequence=None, faq=None, logs=None):
            self.error = f"{reason}: {error}"

        def on_comm_print_job_done(self, suppress_script=False):
            self.t_done = time.perf_counter()
            self.cpu_done = time.process_time()
            self.done.set()

        def on_comm_print_job_failed(self, reason=None):
            self.error = f"job failed: {reason}"
            self.done.set()

    cb = Callback()
    t_connect = time.perf_counter()
    comm = MachineCom(
        port=args.port,
        baudrate=args.baud,
        callbackObject=cb,
        printerProfileManager=ppm,
    )
    comm.start()  # as octoprint.printer.standard.Printer.connect does
    result = {"case": args.case, "lines": args.lines, "octoprint": octoprint.__version__}
    try:
        if not cb.operational.wait(args.connect_timeout) or cb.error:
            raise RuntimeError(f"not operational: {cb.error or 'timeout'}")
        result["connect_s"] = time.perf_counter() - t_connect
        if args.case == "virtual" or args.instant_moves:
            # The virtual printer sleeps each move's duration (at F200 mm/min by
            # default: ~1 s per segment here); feed/flow multiplier 0 makes its
            # moves instant, like the simulator's default.
            comm.sendCommand("M220 S0")
            comm.sendCommand("M221 S0")
        # let the connect-time queries (M115, M21, M155/M105, ...) drain
        time.sleep(args.settle)

        comm.selectFile(gcode, False)
        tx0 = comm._transmitted_lines
        rs0 = comm._received_resend_requests
        c0 = time.process_time()
        t0 = time.perf_counter()
        comm.startPrint()
        stop_at = time.perf_counter() + args.timeout - (time.perf_counter() - t_connect) - 15
        last_tx, last_move = comm._transmitted_lines, time.perf_counter()
        while not cb.done.wait(0.5):
            now = time.perf_counter()
            if comm._transmitted_lines != last_tx:
                last_tx, last_move = comm._transmitted_lines, now
            if now - last_move > args.stall:
                raise RuntimeError(
                    f"stall: {comm._transmitted_lines - tx0} lines sent, none for {args.stall:.0f}s "
                    f"(state {comm.getStateString()})"
                )
            if now > stop_at:
                raise RuntimeError(f"job did not finish in time (state {comm.getStateString()})")
        if cb.error:
            raise RuntimeError(cb.error)
        wall = cb.t_done - t0
        cpu = cb.cpu_done - c0
        result.update(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "lines_per_s": args.lines / wall,
                "cpu_us_per_line": cpu / args.lines * 1e6,
                "transmitted_lines": comm._transmitted_lines - tx0,
                "resend_requests": comm._received_resend_requests - rs0,
                "checksum_while_printing": not s.getBoolean(["serial", "neverSendChecksum"]),
                "ack_max": s.getInt(["serial", "ackMax"]),
                "ok": True,
            }
        )
        # wait for the trailing M400 to be acknowledged before closing
        stop = time.monotonic() + 10
        while comm.isPrinting() and time.monotonic() < stop:
            time.sleep(0.05)
    except Exception as e:  # report, don't hang
        result.update({"ok": False, "error": str(e)})
    finally:
        try:
            comm.close(wait=True, timeout=5.0)
        except Exception as e:
            sys.stderr.write(f"worker: close failed: {e}\n")
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


# --------------------------------------------------------------------------- #
# driver: simulator lifecycle, repetitions, report
# --------------------------------------------------------------------------- #


def start_simulator(binary, sim_args, errfile, timeout=30.0, cmd=None):
    cmd = cmd or [binary, "simulate", *sim_args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=errfile, stdin=subprocess.DEVNULL
    )
    fd = proc.stdout.fileno()
    buf = b""
    stop = time.monotonic() + timeout
    while b"\n" not in buf:
        left = stop - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            stop_simulator(proc)
            raise RuntimeError(f"simulator gave no pty path ({' '.join(cmd)})")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 4096)
            if not chunk:
                continue
            buf += chunk
    pty = buf.split(b"\n", 1)[0].decode().strip()

    def drain():  # keep its stdout from ever filling up
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()
    return proc, pty


def stop_simulator(proc, timeout=10.0):
    """SIGINT, wait (collecting rusage), escalate to SIGKILL. Returns CPU s or None."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        try:
            pid, _, ru = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:  # already reaped by poll()
            return None
        if pid:
            proc.returncode = 0
            return ru.ru_utime + ru.ru_stime
        time.sleep(0.05)
    proc.kill()
    proc.wait(5)
    return None


# Peers (the printer side) and hosts (the serial side).  A peer is started per
# run and gives a pty (or VIRTUAL); a host prints the same G-code to it.
PEERS = {
    # name: (label, kind)
    "sim": ("3dp-agent simulator", "sim"),
    "sim-err": ("3dp-agent simulator, --error-rate E", "sim"),
    "sim-herr": ("3dp-agent simulator, --host-error-rate E only", "sim"),
    "vp": ("OctoPrint VirtualPrinter via pty", "vp"),
    "vp-resend": ("OctoPrint VirtualPrinter via pty, resend_ratio R", "vp"),
    "virtual": ("OctoPrint VirtualPrinter in-process (VIRTUAL)", "virtual"),
    "virtual-resend": ("OctoPrint VirtualPrinter in-process, resend_ratio R", "virtual"),
}
HOSTS = {
    "agent": "agent windowed",
    "agent1": "agent --window 1",
    "octo": "OctoPrint MachineCom",
}
BRIDGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "octoprint-virtual-printer-pty.py")


def peer_has_errors(peer):
    return peer.endswith("-err") or peer.endswith("-herr") or peer.endswith("-resend")


def error_free_peer(peer):
    return peer.rsplit("-", 1)[0] if peer_has_errors(peer) else peer


def start_peer(opts, peer, tmp, tag):
    """Returns (proc or None, port, errfile path, executed-command log path or None)."""
    kind = PEERS[peer][1]
    err_path = os.path.join(tmp, f"{tag}.err")
    if kind == "virtual":
        return None, "VIRTUAL", None, None
    log_path = None
    if kind == "sim":
        cmd = [opts.simulator, "simulate", "--time-scale", str(opts.time_scale), *opts.sim_arg]
        if peer == "sim-err":
            cmd += ["--error-rate", str(opts.error_rate)]
        elif peer == "sim-herr":
            cmd += ["--host-error-rate", str(opts.error_rate), "--printer-error-rate", "0"]
        if opts.verify:
            log_path = os.path.join(tmp, f"{tag}.log")
            cmd += ["--log", log_path]
    else:
        cmd = [sys.executable, BRIDGE, *opts.vp_arg]
        if peer == "vp-resend":
            cmd += ["--resend-ratio", str(opts.resend_ratio)]
    with open(err_path, "wb") as errfile:
        proc, pty = start_simulator_cmd(cmd, errfile)
    return proc, pty, err_path, log_path


def start_simulator_cmd(cmd, errfile, timeout=60.0):
    """start_simulator for any command whose first stdout line is a pty path."""
    return start_simulator(None, None, errfile, timeout=timeout, cmd=cmd)


def executed_e_values(peer, err_path, log_path):
    """E values of the moves the peer executed: from the simulator's --log, or the
    bridge's counters (which it computes itself). Returns a dict or None."""
    if log_path and os.path.exists(log_path):
        import re

        vals = []
        e_re = re.compile(r"^G1 .*E(\d+)\b")
        with open(log_path, errors="replace") as f:
            for line in f:
                m = e_re.search(line)
                if m:
                    vals.append(int(m.group(1)))
        distinct = set(vals)
        top = max(distinct) if distinct else 0
        return {
            "moves": len(vals),
            "moves_repeated": len(vals) - len(distinct),
            "e_missing": len(set(range(1, top + 1)) - distinct),
            "max_e": top,
        }
    if err_path and os.path.exists(err_path):
        with open(err_path, errors="replace") as f:
            for line in f:
                if line.startswith("vp-pty counters "):
                    c = json.loads(line[len("vp-pty counters "):])
                    return {k: c.get(k) for k in ("moves", "moves_repeated", "e_missing", "max_e", "resend_requests")}
    return None


def run_octo(opts, peer, port, tmp):
    worker_cmd = [
        sys.executable, os.path.abspath(__file__), "--worker",
        "virtual" if PEERS[peer][1] == "virtual" else "sim",
        "--lines", str(opts.lines), "--baud", str(opts.baud), "--settle", str(opts.settle),
        "--timeout", str(opts.timeout - 10), "--port", port, "--stall", str(opts.stall),
    ]
    worker_cmd += ["--resend-ratio", str(opts.resend_ratio if peer == "virtual-resend" else 0)]
    if opts.serial_log:
        worker_cmd.append("--serial-log")
    try:
        out = subprocess.run(worker_cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, timeout=opts.timeout, text=True)
        stdout, stderr = out.stdout, out.stderr
    except subprocess.TimeoutExpired as e:
        stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = "worker timed out\n"
    result = None
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if result is None:
        result = {"ok": False, "error": stderr.strip()[-2000:]}
    if opts.verbose and stderr.strip():
        sys.stderr.write(stderr)
    return result


def run_agent(opts, peer, port, window, gcode):
    """3dp-agent print; its summary line gives lines/s. A run whose confirmed
    count does not move for --stall seconds is interrupted (SIGINT, then
    SIGTERM/SIGKILL) and reported as a stall with how far it got."""
    import re

    cmd = [opts.agent, "print", "--port", port]
    if window is not None:
        cmd += ["--window", str(window)]
    cmd += [*opts.agent_arg, gcode]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    lines = []
    progress = {"n": -1, "t": time.monotonic()}
    prog_re = re.compile(rb"(\d+)/(\d+) lines")

    def reader():
        for raw in iter(proc.stdout.readline, b""):
            lines.append(raw)
            m = prog_re.search(raw)
            if m and int(m.group(1)) != progress["n"]:
                progress["n"] = int(m.group(1))
                progress["t"] = time.monotonic()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    stalled = None
    deadline = time.monotonic() + opts.timeout
    while proc.poll() is None:
        time.sleep(0.1)
        now = time.monotonic()
        if stalled is None and (now - progress["t"] > opts.stall or now > deadline):
            stalled = "stall" if now <= deadline else "timeout"
            proc.send_signal(signal.SIGINT)
            kill_at = now + 15
        if stalled is not None and proc.poll() is None and time.monotonic() > kill_at:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    proc.wait()
    th.join(5)
    wall = time.perf_counter() - t0
    text = b"".join(lines).decode(errors="replace")
    result = {"ok": False, "exit": proc.returncode, "wall_s": wall}
    summary = None
    for line in text.splitlines():
        if re.match(r"^(completed|failed|cancelled|interrupted)\b.* commands confirmed", line):
            summary = line
    result["summary"] = summary
    if summary:
        m = re.search(r"(\d+) of (\d+) commands confirmed in ([\d:]+) \((\d+) lines/s\)", summary)
        if m:
            result["confirmed"] = int(m.group(1))
            result["commands"] = int(m.group(2))
            result["lines_per_s"] = float(m.group(4))
        m = re.search(r"resend requests (\d+)", summary)
        if m:
            result["resend_requests"] = int(m.group(1))
        m = re.search(r"lines sent again (\d+)", summary)
        if m:
            result["sent_again"] = int(m.group(1))
    if stalled:
        result["error"] = f"{stalled}: {progress['n']}/{opts.lines} confirmed, no progress for {opts.stall:.0f}s"
    elif proc.returncode != 0 or not summary or not summary.startswith("completed"):
        result["error"] = f"exit {proc.returncode}: " + (summary or text.strip()[-600:])
    else:
        result["ok"] = True
    if not result["ok"]:
        result["tail"] = text.strip()[-800:]
    return result


def run_cell(opts, peer, host, rep, tmp, gcode):
    tag = f"{peer}-{host}-{rep}"
    proc = None
    err_path = log_path = None
    try:
        proc, port, err_path, log_path = start_peer(opts, peer, tmp, tag)
        if host == "octo":
            r = run_octo(opts, peer, port, tmp)
        else:
            r = run_agent(opts, peer, port, 1 if host == "agent1" else opts.window, gcode)
    except Exception as e:
        r = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    finally:
        if proc is not None:
            cpu = stop_simulator(proc)
            if cpu is not None:
                r["peer_cpu_s_total"] = cpu
    ex = executed_e_values(peer, err_path, log_path)
    if ex is not None:
        r["executed"] = ex
    if err_path:
        try:
            with open(err_path, "rb") as f:
                r["peer_counters"] = f.read().decode(errors="replace").strip()[-600:]
        except OSError:
            pass
    for path in (err_path, log_path):
        if path:
            try:
                os.unlink(path)
            except OSError:
                pass
    return r


def fmt_rate(v):
    return f"{v:,.0f}" if v is not None else "-"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("simulator", nargs="?", help="path to the 3dp-agent binary (simulator and agent)")
    p.add_argument("--agent", help="3dp-agent binary for the agent hosts (default: the simulator binary)")
    p.add_argument("--lines", type=int, default=20000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--baud", type=int, default=115200, help="baud rate given to OctoPrint")
    p.add_argument("--time-scale", type=float, default=50.0)
    p.add_argument("--sim-arg", action="append", default=[],
                   help="extra simulator argument, repeatable (e.g. --sim-arg=--advanced-ok)")
    p.add_argument("--vp-arg", action="append", default=[],
                   help="extra argument for octoprint-virtual-printer-pty.py, repeatable")
    p.add_argument("--agent-arg", action="append", default=[],
                   help="extra '3dp-agent print' argument, repeatable")
    p.add_argument("--error-rate", type=float, default=0.02, help="simulator --error-rate of sim-err")
    p.add_argument("--resend-ratio", type=int, default=2, help="VP resend_ratio (%%) of vp-resend")
    p.add_argument("--window", type=int, default=None,
                   help="agent windowed host: --window N (default: the agent's default, 4)")
    p.add_argument("--peers", default="sim,sim-err,sim-herr,vp,vp-resend",
                   help="comma list of " + ",".join(PEERS))
    p.add_argument("--hosts", default="agent,agent1,octo", help="comma list of " + ",".join(HOSTS))
    p.add_argument("--cases", help="legacy: comma list of sim,virtual, OctoPrint host only")
    p.add_argument("--settle", type=float, default=2.0, help="idle seconds after connect")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    p.add_argument("--stall", type=float, default=20.0,
                   help="seconds without progress (agent: confirmed lines, OctoPrint: sent lines) "
                        "before a run is stopped as stalled")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="don't log the simulator's executed commands (lost/repeated line check)")
    p.add_argument("--json", action="store_true", help="print all results as JSON")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--serial-log", action="store_true",
                   help="debug: log OctoPrint's serial traffic (slow)")
    # internal
    p.add_argument("--worker", choices=["sim", "virtual"], help=argparse.SUPPRESS)
    p.add_argument("--instant-moves", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--port", help=argparse.SUPPRESS)
    p.add_argument("--connect-timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    opts = p.parse_args()

    if opts.worker:
        opts.case = opts.worker
        return run_worker(opts)

    try:
        import octoprint  # noqa: F401
    except ImportError:
        p.error(f"OctoPrint is not importable from {sys.executable}; run with the venv's python")
    if opts.cases:
        peers = [c.strip() for c in opts.cases.split(",") if c.strip()]
        hosts = ["octo"]
    else:
        peers = [c.strip() for c in opts.peers.split(",") if c.strip()]
        hosts = [c.strip() for c in opts.hosts.split(",") if c.strip()]
    for x in peers:
        if x not in PEERS:
            p.error(f"unknown peer {x}")
    for x in hosts:
        if x not in HOSTS:
            p.error(f"unknown host {x}")
    opts.agent = opts.agent or opts.simulator
    needs_bin = any(PEERS[x][1] == "sim" for x in peers) or any(h != "octo" for h in hosts)
    if needs_bin and (not opts.agent or not os.access(opts.agent, os.X_OK)):
        p.error("the 3dp-agent binary path is required for the sim peers and agent hosts")
    if not opts.simulator:
        opts.simulator = opts.agent
    cells = [(peer, host) for peer in peers for host in hosts
             if not (PEERS[peer][1] == "virtual" and host != "octo")]

    import octoprint

    print(
        f"OctoPrint {octoprint.__version__}, Python {sys.version.split()[0]}, "
        f"{opts.lines} lines, {opts.reps} reps, cores {os.cpu_count()}, "
        f"loadavg {os.getloadavg()[0]:.2f}, agent {opts.agent}",
        flush=True,
    )
    tmp = tempfile.mkdtemp(prefix="bench-octoprint-driver-")
    gcode = os.path.join(tmp, "dense.gcode")
    write_gcode(gcode, opts.lines)
    results = {c: [] for c in cells}
    try:
        for rep in range(opts.reps):
            for cell in cells:  # interleaved so drift hits all cells alike
                peer, host = cell
                r = run_cell(opts, peer, host, rep, tmp, gcode)
                results[cell].append(r)
                ex = r.get("executed") or {}
                exs = ""
                if ex:
                    exs = (f"  peer executed {ex.get('moves')} moves, missing {ex.get('e_missing')}, "
                           f"repeated {ex.get('moves_repeated')}")
                name = f"{peer}/{host}"
                if r.get("ok"):
                    extra = ""
                    if host == "octo":
                        extra = (f"  {r['cpu_us_per_line']:.1f} us CPU/line  sent {r['transmitted_lines']}"
                                 f"  resends {r['resend_requests']}")
                    else:
                        extra = (f"  resends {r.get('resend_requests')}  sent again {r.get('sent_again')}")
                    print(f"  rep {rep + 1} {name:18s} {r['lines_per_s']:8.0f} lines/s  "
                          f"wall {r['wall_s']:.2f}s{extra}{exs}", flush=True)
                else:
                    print(f"  rep {rep + 1} {name:18s} FAILED: {r.get('error')}{exs}", flush=True)
                    if opts.verbose and r.get("tail"):
                        print("    " + r["tail"].replace("\n", "\n    "), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ---- table ----
    med = {}
    notes = {}
    for cell, rs in results.items():
        ok = [r for r in rs if r.get("ok")]
        med[cell] = statistics.median(r["lines_per_s"] for r in ok) if ok else None
        bad = len(rs) - len(ok)
        lost = [r["executed"]["e_missing"] for r in rs if r.get("executed") and r["executed"].get("e_missing")]
        rep_ = [r["executed"]["moves_repeated"] for r in rs
                if r.get("executed") and r["executed"].get("moves_repeated")]
        n = []
        if bad:
            n.append(f"{bad}/{len(rs)} failed")
        if lost:
            n.append(f"lost {max(lost)}")
        if rep_:
            n.append(f"twice {max(rep_)}")
        notes[cell] = ", ".join(n)

    def label(peer):
        lab = PEERS[peer][0]
        if peer in ("sim-err", "sim-herr"):
            lab = lab.replace(" E", f" {opts.error_rate:g}")
        return lab.replace("resend_ratio R", f"resend_ratio {opts.resend_ratio}")

    wlab = f"agent --window {opts.window}" if opts.window else "agent windowed"
    hl = {"agent": wlab, "agent1": HOSTS["agent1"], "octo": HOSTS["octo"]}
    colw = 30
    print()
    print(f"median lines/s, {opts.lines} lines, {opts.reps} reps (lost = file lines the peer never executed, "
          f"twice = executed twice, max over reps)")
    print(f"{'peer':52s}" + "".join(f"{hl[h]:>{colw}s}" for h in hosts))
    for peer in peers:
        row = f"{label(peer):52s}"
        for h in hosts:
            if (peer, h) not in results:
                row += f"{'n/a':>{colw}s}"
                continue
            v = fmt_rate(med[(peer, h)]) if med[(peer, h)] is not None else "FAILED"
            if notes[(peer, h)]:
                v += f" ({notes[(peer, h)]})"
            row += f"{v:>{colw}s}"
        print(row)
    print("ratios:")
    for peer in peers:
        if not peer_has_errors(peer):
            continue
        base = error_free_peer(peer)
        parts = []
        for h in hosts:
            a, b = med.get((peer, h)), med.get((base, h))
            if a and b:
                parts.append(f"{hl[h]} {a / b:.2f}")
            elif (peer, h) in results:
                parts.append(f"{hl[h]} -")
        print(f"  with errors / error-free, {label(peer)} vs {label(base)}: " + ", ".join(parts))
    for peer in peers if "octo" in hosts else []:
        if not peer_has_errors(peer):
            continue
        o = med.get((peer, "octo"))
        parts = []
        for h in ("agent", "agent1"):
            if (peer, h) in results:
                a = med.get((peer, h))
                parts.append(f"{hl[h]} / OctoPrint {a / o:.2f}" if a and o else f"{hl[h]} / OctoPrint -")
        if parts:
            print(f"  agent / OctoPrint with errors, {label(peer)}: " + ", ".join(parts))
    if opts.json:
        print(json.dumps({f"{k[0]}/{k[1]}": v for k, v in results.items()}, indent=1))
    return 0 if all(r.get("ok") for rs in results.values() for r in rs) else 1


if __name__ == "__main__":
    sys.exit(main())
