"""The daily refresh: a cron trigger in a time zone (right across DST), a loop that runs
`bubblemeter refresh` in a child process, and the same schedule written out for cron or systemd.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from warehouse.lock import LockBusy, file_lock
from warehouse.scheduler_state import state_path, write_state
from warehouse.settings import ConfigError, Settings

# The one statement of the default schedule (the CLI and the Dagster schedule read it):
# after the US close, on weekdays.
DEFAULT_AT = "18:30"
DEFAULT_TZ = "America/New_York"
DEFAULT_DAYS = "mon-fri"
DEFAULT_WAIT_TIMEOUT_S = 3600.0
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SYSTEMD_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UNIT_NAME = "bubblemeter-refresh"
OUTPUT_TAIL_LINES = 20
MAX_ERROR_LINES = 20
MAX_KEPT_LINES = 500
HOOK_TIMEOUT_S = 120
# A run missed while the machine slept still runs if it wakes within this many seconds.
MISFIRE_GRACE_S = 3600

log = logging.getLogger("bubblemeter.schedule")


class SchedulerBusy(LockBusy):
    """A scheduler is already running for this warehouse."""

    hint = "stop it first (one scheduler per warehouse)"


@dataclass(frozen=True)
class Plan:
    """When to refresh: a wall-clock time on some weekdays in one time zone."""

    hour: int
    minute: int
    tz_name: str
    weekdays: tuple[int, ...]  # 0 = Monday ... 6 = Sunday

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def days_text(self) -> str:
        """The weekdays in short form: 'mon-fri', 'mon,wed,fri', 'daily'."""
        if len(self.weekdays) == 7:
            return "daily"
        return ",".join(
            DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}-{DAY_NAMES[b]}"
            for a, b in _runs(self.weekdays)
        )

    def describe(self) -> str:
        """'18:30 America/New_York, mon-fri'."""
        return f"{self.at} {self.tz_name}, {self.days_text()}"

    def cron(self) -> str:
        """The five cron fields, in the plan's own zone: '30 18 * * 1-5'."""
        days = ",".join(
            str((a + 1) % 7) if a == b else f"{(a + 1) % 7}-{(b + 1) % 7}"
            for a, b in _cron_runs(self.weekdays)
        )
        return f"{self.minute} {self.hour} * * {days if len(self.weekdays) < 7 else '*'}"


def _runs(days: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted weekday numbers: (0,1,2,4) -> [(0,2), (4,4)]."""
    out: list[list[int]] = []
    for d in sorted(days):
        if out and d == out[-1][1] + 1:
            out[-1][1] = d
        else:
            out.append([d, d])
    return [(a, b) for a, b in out]


def parse_days(text: str) -> tuple[int, ...]:
    """'mon-fri', 'mon,wed,fri', 'sat-sun', 'fri-mon', 'daily' or '*' -> weekday numbers."""
    text = (text or "").strip().lower()
    if text in ("*", "daily", "all", "every"):
        return tuple(range(7))
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        bounds = [b.strip()[:3] for b in part.split("-")]
        if not part or len(bounds) > 2 or any(b not in DAY_NAMES for b in bounds):
            raise ConfigError(f"--days {text!r}: use day names like mon-fri, mon,wed,fri or daily")
        first, last = DAY_NAMES.index(bounds[0]), DAY_NAMES.index(bounds[-1])
        day = first
        while True:  # wraps past Sunday, so fri-mon works
            days.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    return tuple(sorted(days))


def parse_plan(at: str = DEFAULT_AT, tz: str = DEFAULT_TZ, days: str = DEFAULT_DAYS) -> Plan:
    """Check --at HH:MM, --tz ZONE and --days; ConfigError with the fix on a bad value."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", (at or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError(f"--at {at!r}: use a 24-hour time HH:MM, e.g. 18:30")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"--tz {tz!r}: not a known IANA time zone (e.g. America/New_York, Europe/London, UTC)"
        ) from None
    return Plan(int(match[1]), int(match[2]), tz, parse_days(days))


class WallClockCronTrigger(CronTrigger):
    """A CronTrigger that fires once, not twice, when DST ends and a wall-clock hour repeats."""

    def get_next_fire_time(self, previous_fire_time, now):
        fire = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and fire.fold == 1 and _ambiguous(fire):
            after = (fire.astimezone(UTC) + timedelta(seconds=1)).astimezone(fire.tzinfo)
            fire = super().get_next_fire_time(fire, after)
        return fire


def _ambiguous(moment: datetime) -> bool:
    """True when this wall-clock time happens twice (the hour repeated as DST ends)."""
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def plan_trigger(plan: Plan) -> CronTrigger:
    """The APScheduler trigger for a plan, in the plan's time zone."""
    day_of_week = ",".join(DAY_NAMES[d] for d in plan.weekdays)
    return WallClockCronTrigger(
        day_of_week=day_of_week, hour=plan.hour, minute=plan.minute, second=0, timezone=plan.tz
    )


def next_runs(trigger, after: datetime, count: int) -> list[datetime]:
    """The next `count` fire times of a trigger strictly after `after` (computed, no waiting)."""
    out: list[datetime] = []
    previous, now = None, after + timedelta(microseconds=1)
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        out.append(fire)
        previous, now = fire, fire
    return out


def upcoming_text(plan: Plan, count: int, now: datetime | None = None) -> str:
    """The next `count` run times of a plan, one a line, in its zone and in UTC."""
    now = (now or datetime.now(UTC)).astimezone(plan.tz)
    runs = next_runs(plan_trigger(plan), now, count)
    return (
        "\n".join(
            [
                f"refresh at {plan.describe()}; the next {count} runs:",
                *[f"  {when(moment)}" for moment in runs],
            ]
        )
        + "\n"
    )


def when(moment: datetime | None) -> str:
    """'Mon 2026-03-09 18:30 EDT (22:30 UTC)'."""
    if moment is None:
        return "never"
    utc = moment.astimezone(UTC)
    return f"{moment:%a %Y-%m-%d %H:%M %Z} ({utc:%H:%M} UTC)"


# --- the refresh command a scheduled run executes ---------------------------------------


def refresh_args(
    db: str,
    *,
    from_dir: str | None = None,
    fallback: str | None = None,
    source: str | None = None,
    tickers: str | None = None,
    full: bool = False,
    wait_timeout_s: float | None = DEFAULT_WAIT_TIMEOUT_S,
    trigger: str = "schedule",
) -> list[str]:
    """Arguments after `bubblemeter` for one scheduled refresh (absolute paths: cron and
    systemd do not start in this directory). It waits for a manual refresh that holds the lock."""
    args = ["refresh", "--db", _absolute_db(db), "--wait"]
    if wait_timeout_s is not None:
        args += ["--wait-timeout", f"{wait_timeout_s:g}"]
    if from_dir:
        args += ["--from", os.path.abspath(from_dir)]
    if fallback:
        args += ["--fallback", os.path.abspath(fallback)]
    if source:
        args += ["--source", source]
    if tickers:
        args += ["--tickers", tickers]
    if full:
        args.append("--full")
    return args + ["--trigger", trigger]


def once_args(refresh: list[str], on_failure: str) -> list[str]:
    """`schedule --once` arguments that run the same refresh and report a failure to
    on_failure (for cron and systemd, which have no such hook of their own)."""
    out = ["schedule", "--once"]
    rest = iter(refresh[1:])
    for arg in rest:
        if arg == "--wait":
            continue
        if arg == "--full":
            out.append(arg)
        else:
            out += [arg, next(rest)]
    return out + ["--on-failure", on_failure]


def _absolute_db(db: str) -> str:
    local = not (db.startswith("md:") or db.startswith("motherduck:") or db == ":memory:")
    return os.path.abspath(db) if local else db


def installed_command() -> list[str]:
    """The absolute path of the installed `bubblemeter` (else this Python with -m bubblemeter)."""
    beside = Path(sys.executable).absolute().parent / "bubblemeter"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("bubblemeter")
    if found:
        return [os.path.abspath(found)]
    return [str(Path(sys.executable).absolute()), "-m", "bubblemeter"]


def _settings_env(env: dict | None = None) -> dict[str, str]:
    """BUBBLEMETER_* settings of this shell for the scheduled run (the database is in --db)."""
    env = os.environ if env is None else env
    return {
        k: v
        for k, v in sorted(env.items())
        if k.startswith("BUBBLEMETER_") and k not in ("BUBBLEMETER_DB", "BUBBLEMETER_DEBUG")
    }


# --- cron and systemd ---------------------------------------------------------------------


def system_scheduler_text(
    kind: str, plan: Plan, settings: Settings, refresh: list[str], on_failure: str | None = None
) -> str:
    """The crontab entry (kind 'cron') or systemd units (kind 'systemd') running `refresh`
    (through `schedule --once` when there is a failure hook) with the installed command."""
    run = installed_command() + (once_args(refresh, on_failure) if on_failure else refresh)
    db = _absolute_db(settings.db)
    if kind == "cron":
        log_file = f"{db}.refresh.log" if settings.is_local_file else "bubblemeter-refresh.log"
        return crontab_text(plan, run, log_file)
    return systemd_units(plan, run, db)


def crontab_text(
    plan: Plan,
    argv: list[str],
    log_file: str,
    env: dict | None = None,
    local_zone: str | None = None,
) -> str:
    """A crontab entry (with a comment saying how to install it) running argv on the plan."""
    if local_zone is None:
        local_zone = _local_zone_name()
    assignments = [f"{k}={shlex.quote(v)}" for k, v in _settings_env(env).items()]
    command = " ".join([*assignments, shlex.join(argv), ">>", shlex.quote(log_file), "2>&1"])
    command = command.replace("%", r"\%")  # cron turns a bare % into a newline
    lines = [
        f"# bubblemeter: refresh at {plan.describe()}. Install with `crontab -e`;",
        f"# output is appended to {log_file}.",
    ]
    if not _same_zone(local_zone, plan.tz_name):
        lines += [
            f"# This machine's time zone is {local_zone}, not {plan.tz_name}: CRON_TZ makes",
            "# cronie (Fedora, RHEL, Arch) use the plan's zone; Debian's cron ignores it,",
            "# so there use `bubblemeter schedule --print-systemd` or the built-in scheduler.",
            f"CRON_TZ={plan.tz_name}",
        ]
    lines.append(f"{plan.cron()} {command}")
    return "\n".join(lines) + "\n"


def _cron_runs(weekdays: tuple[int, ...]) -> list[tuple[int, int]]:
    """Runs of weekdays in cron numbering (Sunday = 0), so sat-sun does not become 6-0."""
    cron_days = tuple(sorted((d + 1) % 7 for d in weekdays))
    return [((a - 1) % 7, (b - 1) % 7) for a, b in _runs(cron_days)]


def _local_zone_name() -> str:
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # an unreadable /etc/localtime: say UTC rather than fail to print
        return "UTC"


def _same_zone(a: str, b: str) -> bool:
    utc = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu", "Etc/Zulu", "GMT"}
    return a == b or (a in utc and b in utc)


def _systemd_quote(arg: str) -> str:
    """Quote one ExecStart/Environment word: systemd expands % specifiers and $ variables."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if re.search(r"[\s\"'\\;]", arg) or not arg:
        arg = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def systemd_units(plan: Plan, argv: list[str], db: str, env: dict | None = None) -> str:
    """A systemd service + timer pair (Persistent=true: a missed run catches up at boot)."""
    on_calendar = f"{_systemd_days(plan.weekdays)} *-*-* {plan.at}:00 {plan.tz_name}"
    environment = [
        f"Environment={_systemd_quote(f'{k}={v}')}" for k, v in _settings_env(env).items()
    ]
    service = [
        f"# ~/.config/systemd/user/{UNIT_NAME}.service "
        f"(or /etc/systemd/system/ for a system-wide unit)",
        "[Unit]",
        f"Description=bubblemeter refresh of {db}",
        "",
        "[Service]",
        "Type=oneshot",
        *environment,
        "ExecStart=" + " ".join(_systemd_quote(a) for a in argv),
    ]
    timer = [
        f"# ~/.config/systemd/user/{UNIT_NAME}.timer",
        "[Unit]",
        f"Description=bubblemeter refresh at {plan.describe()}",
        "",
        "[Timer]",
        f"OnCalendar={on_calendar}",
        "Persistent=true",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]
    enable = [
        "# Then: systemctl --user daemon-reload && "
        f"systemctl --user enable --now {UNIT_NAME}.timer",
        f"#       systemctl --user list-timers {UNIT_NAME}.timer   (shows the next run)",
        "#       loginctl enable-linger $USER   (so the timer runs while you are logged out)",
    ]
    return "\n".join(service + [""] + timer + [""] + enable) + "\n"


def _systemd_days(weekdays: tuple[int, ...]) -> str:
    if len(weekdays) == 7:
        return "*"
    return ",".join(
        SYSTEMD_DAYS[a] if a == b else f"{SYSTEMD_DAYS[a]}..{SYSTEMD_DAYS[b]}"
        for a, b in _runs(weekdays)
    )


# --- the built-in scheduler ---------------------------------------------------------------


@dataclass
class RunOutcome:
    started_at: datetime
    finished_at: datetime
    exit_code: int
    status: str  # ok | failed
    summary: str
    output_tail: list[str]
    output_lines: list[str]  # the first few hundred lines

    @property
    def duration_s(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _is_error_line(line: str) -> bool:
    text = line.strip()
    return text.startswith(("failed ", "error:", "Traceback"))


def summarise_output(lines: list[str], exit_code: int) -> str:
    """One line for the state file: the refresh's own run line, else its last error line."""
    for line in lines:
        if line.startswith("run "):
            return line.strip()
    if exit_code < 0:
        return f"killed by signal {-exit_code}"
    for line in reversed(lines):
        if line.strip():
            return line.strip()
    return f"exit status {exit_code}, no output"


class RefreshScheduler:
    """Runs `bubblemeter refresh` on a trigger, logs each run, keeps going after failures,
    reports failures to a command, and keeps the scheduler state file up to date."""

    def __init__(
        self,
        settings: Settings,
        args: list[str],
        *,
        plan: Plan | None = None,
        trigger=None,
        on_failure: str | None = None,
        describe: str | None = None,
        python: str = sys.executable,
        once: bool = False,
    ):
        if trigger is None and plan is None:
            raise ValueError("a plan or a trigger is needed")
        self.settings = settings
        self.args = list(args)
        self.plan = plan
        self.trigger = trigger if trigger is not None else plan_trigger(plan)
        self.zone = plan.tz if plan else getattr(self.trigger, "timezone", UTC)
        self.on_failure = on_failure
        self.describe = describe or (plan.describe() if plan else str(self.trigger))
        self.command = [python, "-m", "bubblemeter", *self.args]
        self.once = once  # one run now: no state file, no next run
        self._child: subprocess.Popen | None = None
        self._scheduler: BlockingScheduler | None = None
        self._stopping = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self.state: dict = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": _iso(_now()),
            "trigger": self.describe,
            "warehouse": settings.db,
            "command": shlex.join(["bubblemeter", *self.args]),
            "last_run_at": None,
            "last_status": None,
            "last_summary": None,
            "last_exit_code": None,
            "last_duration_s": None,
            "running_since": None,
            "run_count": 0,
            "failure_count": 0,
            "next_run_at": None,
            "stopped_at": None,
        }

    def next_run(self, now: datetime | None = None) -> datetime | None:
        """When the trigger fires next after now."""
        now = (now or _now()).astimezone(self.zone)
        return self.trigger.get_next_fire_time(None, now)

    def _save(self) -> None:
        if not self.once:
            write_state(self.settings, self.state)

    def run_once(self) -> RunOutcome | None:
        """Run one refresh now in a child process; a failure is logged, never raised, so the
        schedule goes on."""
        self._idle.clear()
        try:
            return self._run()
        except Exception as exc:  # e.g. the state file's disk is full: log it, keep going
            log.error(
                "scheduled refresh could not be run or recorded: %s: %s", type(exc).__name__, exc
            )
            return None
        finally:
            self._idle.set()

    def _run(self) -> RunOutcome:
        started = _now()
        self.state["running_since"] = _iso(started)
        self._save()
        log.info("refresh starting: %s", shlex.join(["bubblemeter", *self.args]))
        tail: collections.deque[str] = collections.deque(maxlen=OUTPUT_TAIL_LINES)
        lines: list[str] = []
        try:
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self._child = subprocess.Popen(
                self.command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            for line in self._child.stdout:
                line = line.rstrip("\n")
                log.info("  | %s", line)
                tail.append(line)
                if len(lines) < MAX_KEPT_LINES:
                    lines.append(line)
            exit_code = self._child.wait()
        except OSError as exc:
            exit_code = 127
            tail.append(f"could not start the refresh: {exc}")
            lines.append(tail[-1])
        finally:
            self._child = None
        finished = _now()
        status = "ok" if exit_code == 0 else "failed"
        summary = summarise_output(lines, exit_code)
        stopped = self._stopping.is_set() and exit_code < 0
        if stopped:
            summary = "stopped with the scheduler; the warehouse was left as it was"
        outcome = RunOutcome(started, finished, exit_code, status, summary, list(tail), lines)
        nxt = None if (self._stopping.is_set() or self.once) else self.next_run(finished)
        self.state.update(
            {
                "last_run_at": _iso(started),
                "last_status": status,
                "last_summary": outcome.summary,
                "last_exit_code": exit_code,
                "last_duration_s": round(outcome.duration_s, 1),
                "running_since": None,
                "run_count": self.state["run_count"] + 1,
                "failure_count": self.state["failure_count"] + (status != "ok"),
                "next_run_at": _iso(nxt),
            }
        )
        self._save()
        log.info(
            "refresh %s (exit %d) in %.1f s: %s",
            status,
            exit_code,
            outcome.duration_s,
            outcome.summary,
        )
        if status != "ok" and self.on_failure and not stopped:
            self.notify(outcome)
        if nxt is not None:
            log.info("next run: %s", when(nxt))
        return outcome

    def failure_text(self, outcome: RunOutcome) -> str:
        """The short summary a --on-failure command reads on stdin."""
        local = outcome.started_at.astimezone(self.zone)
        lines = [
            f"bubblemeter: scheduled refresh failed (exit {outcome.exit_code}) on "
            f"{socket.gethostname()} at {local:%Y-%m-%d %H:%M:%S %Z}",
            f"warehouse: {self.settings.db}",
            f"command: {shlex.join(['bubblemeter', *self.args])}",
            f"summary: {outcome.summary}",
        ]
        errors = [line for line in outcome.output_lines if _is_error_line(line)]
        if errors:
            lines += ["failures:", *[f"  {line.strip()}" for line in errors[:MAX_ERROR_LINES]]]
            if len(errors) > MAX_ERROR_LINES:
                lines.append(f"  ... and {len(errors) - MAX_ERROR_LINES} more")
        lines += ["last output:", *[f"  {line}" for line in outcome.output_tail[-5:]]]
        return "\n".join(lines) + "\n"

    def notify(self, outcome: RunOutcome) -> int | None:
        """Run the --on-failure command with the summary on stdin; its failure is only logged."""
        try:
            done = subprocess.run(
                self.on_failure,
                shell=True,
                input=self.failure_text(outcome),
                text=True,
                capture_output=True,
                timeout=HOOK_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            log.warning("--on-failure command still running after %d s; left it", HOOK_TIMEOUT_S)
            return None
        except OSError as exc:
            log.warning("--on-failure command could not start: %s", exc)
            return None
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            log.warning(
                "--on-failure command exited %d%s", done.returncode, f": {why[-1]}" if why else ""
            )
        else:
            log.info("--on-failure command ran")
        return done.returncode

    def run_forever(self) -> None:
        """Block, running refreshes on the trigger, until SIGTERM/SIGINT or stop()."""
        with file_lock(
            state_path(self.settings).with_suffix(".lock"),
            f"a scheduler is already running for {self.settings.db}",
            busy=SchedulerBusy,
        ):
            self._scheduler = BlockingScheduler(timezone=self.zone)
            self._scheduler.add_job(
                self.run_once,
                self.trigger,
                id="refresh",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=MISFIRE_GRACE_S,
            )
            nxt = self.next_run()
            self.state["next_run_at"] = _iso(nxt)
            self._save()
            log.info(
                "scheduler started (pid %d): refresh at %s; warehouse %s",
                os.getpid(),
                self.describe,
                self.settings.db,
            )
            log.info("next run: %s", when(nxt))
            previous = {}
            if threading.current_thread() is threading.main_thread():
                previous = {
                    sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT)
                }
            try:
                self._scheduler.start()
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
                self._idle.wait(timeout=30)
                self.state.update(
                    {"stopped_at": _iso(_now()), "next_run_at": None, "running_since": None}
                )
                self._save()
                log.info("scheduler stopped")

    def _on_signal(self, signum, frame) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stop()

    def stop(self) -> None:
        """Stop the loop; a refresh in progress is terminated (the warehouse stays as it was)."""
        self._stopping.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def setup_logging(stream=None) -> None:
    """Timestamped lines on stderr (systemd's journal and nohup logs read the same)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S%z"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    # APScheduler's own warnings (a missed run, a run still going) are worth seeing too.
    aps = logging.getLogger("apscheduler")
    aps.handlers[:] = [handler]
    aps.setLevel(logging.WARNING)
    aps.propagate = False
