#!/usr/bin/env python3
"""Benchmark OctoPrint's own serial layer against the 3dp-agent simulator.

Drives OctoPrint's real ``octoprint.util.comm.MachineCom`` (settings in a
temporary basedir, plugin manager initialised from the bundled plugins folder
with only ``virtual_printer`` enabled) to print a dense generated G-code file
(``G1 X.. Y.. E<i>`` segments) to:

  sim      the 3dp-agent simulated Marlin printer on its pty (spawned here,
           first stdout line = pty path, stopped with SIGINT), and
  virtual  OctoPrint's bundled virtual printer (port VIRTUAL), for reference.

Per run it reports lines/s (file lines / wall time from startPrint() to
on_comm_print_job_done) and OctoPrint process CPU (time.process_time(), all
threads, same window) per file line in microseconds. Every run happens in a
fresh worker process so the OctoPrint singletons and the CPU clock start clean.
OctoPrint's comm settings are left at their defaults (ackMax 1: one line in
flight, line numbers + checksums while printing, autoreport if offered).

Run it with the Python that has OctoPrint installed, e.g.:

  python3 -m venv /tmp/octo && /tmp/octo/bin/pip install OctoPrint
  /tmp/octo/bin/python Scripts/bench-octoprint.py .build-octo/release/3dp-agent

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
        if args.case == "virtual":
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
        remaining = args.timeout - (time.perf_counter() - t_connect) - 15
        if not cb.done.wait(max(remaining, 1)):
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


def start_simulator(binary, sim_args, errfile, timeout=30.0):
    cmd = [binary, "simulate", *sim_args]
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


def run_case(opts, case, rep, tmp):
    worker_cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        case,
        "--lines",
        str(opts.lines),
        "--baud",
        str(opts.baud),
        "--settle",
        str(opts.settle),
        "--timeout",
        str(opts.timeout - 10),
    ]
    if opts.serial_log:
        worker_cmd.append("--serial-log")
    sim = None
    sim_err_path = os.path.join(tmp, f"sim-{rep}.err")
    try:
        if case == "sim":
            sim_args = ["--time-scale", str(opts.time_scale), *opts.sim_arg]
            with open(sim_err_path, "wb") as errfile:
                sim, pty = start_simulator(opts.simulator, sim_args, errfile)
            worker_cmd += ["--port", pty]
        else:
            worker_cmd += ["--port", "VIRTUAL"]
        try:
            out = subprocess.run(
                worker_cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                timeout=opts.timeout,
                text=True,
            )
            stdout, stderr = out.stdout, out.stderr
        except subprocess.TimeoutExpired as e:
            stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            stderr = "worker timed out\n"
        result = None
        for line in stdout.splitlines():
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
        if result is None:
            result = {"case": case, "ok": False, "error": stderr.strip()[-2000:]}
        if opts.verbose and stderr.strip():
            sys.stderr.write(stderr)
    finally:
        if sim is not None:
            sim_cpu = stop_simulator(sim)
            if sim_cpu is not None:
                result["sim_cpu_s_total"] = sim_cpu
            try:
                with open(sim_err_path, "rb") as f:
                    result["sim_counters"] = f.read().decode(errors="replace").strip()[-600:]
            except OSError:
                pass
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("simulator", nargs="?", help="path to the 3dp-agent binary")
    p.add_argument("--lines", type=int, default=20000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--baud", type=int, default=115200, help="baud rate given to OctoPrint")
    p.add_argument("--time-scale", type=float, default=50.0)
    p.add_argument(
        "--sim-arg",
        action="append",
        default=[],
        help="extra simulator argument, repeatable (e.g. --sim-arg=--advanced-ok)",
    )
    p.add_argument("--cases", default="sim,virtual", help="comma list of sim,virtual")
    p.add_argument("--settle", type=float, default=2.0, help="idle seconds after connect")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    p.add_argument("--json", action="store_true", help="print all results as JSON")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument(
        "--serial-log", action="store_true", help="debug: log OctoPrint's serial traffic (slow)"
    )
    # internal
    p.add_argument("--worker", choices=["sim", "virtual"], help=argparse.SUPPRESS)
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
    cases = [c.strip() for c in opts.cases.split(",") if c.strip()]
    if "sim" in cases:
        if not opts.simulator or not os.access(opts.simulator, os.X_OK):
            p.error("the simulator binary path is required for the sim case")

    import octoprint

    print(
        f"OctoPrint {octoprint.__version__}, Python {sys.version.split()[0]}, "
        f"{opts.lines} lines, {opts.reps} reps, cores {os.cpu_count()}, "
        f"loadavg {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    tmp = tempfile.mkdtemp(prefix="bench-octoprint-driver-")
    results = {c: [] for c in cases}
    try:
        for rep in range(opts.reps):
            for case in cases:  # interleaved so drift hits both cases alike
                r = run_case(opts, case, rep, tmp)
                results[case].append(r)
                if r.get("ok"):
                    extra = ""
                    if "sim_cpu_s_total" in r:
                        extra = f"  sim CPU (whole run) {r['sim_cpu_s_total']:.2f}s"
                    print(
                        f"  rep {rep + 1} {case:7s} {r['lines_per_s']:8.0f} lines/s  "
                        f"{r['cpu_us_per_line']:7.1f} us CPU/line  "
                        f"wall {r['wall_s']:.2f}s  sent {r['transmitted_lines']}  "
                        f"resends {r['resend_requests']}{extra}",
                        flush=True,
                    )
                else:
                    print(f"  rep {rep + 1} {case:7s} FAILED: {r.get('error')}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    failed = False
    print("median:")
    for case in cases:
        ok = [r for r in results[case] if r.get("ok")]
        if len(ok) < len(results[case]):
            failed = True
        if not ok:
            print(f"  {case:7s} no successful run")
            continue
        lps = statistics.median(r["lines_per_s"] for r in ok)
        us = statistics.median(r["cpu_us_per_line"] for r in ok)
        print(f"  {case:7s} {lps:8.0f} lines/s  {us:7.1f} us CPU/line  ({len(ok)} runs)")
    if "sim" in results and results["sim"] and results["sim"][-1].get("sim_counters"):
        print("last simulator counters: " + results["sim"][-1]["sim_counters"].replace("\n", " | "))
    if opts.json:
        print(json.dumps(results, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
