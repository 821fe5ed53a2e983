"""Running a claim: its sweeps through ccrnn-sweep (resumable: a finished sweep's file is reused, an
interrupted one resumes from its parts), then its analysis, written atomically as <claim>.md and
<claim>.png, each stamped with the command, the ccrnn commit and the build's float_products."""
import datetime
import hashlib
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Sweep:
    """One ccrnn-sweep of a claim: a short name and the sweep's task and options (without --seeds/--out)."""
    name: str
    task: str
    args: list


@dataclass
class Options:
    seeds: int
    epochs: int | None  # None: each task's papers' default
    quick: bool
    threads: int
    launcher: list  # e.g. ["mpirun", "-np", "4"]; empty: local threads
    out: Path
    build: Path
    command: str
    dry_run: bool = False


@dataclass
class Outcome:
    """What a claim's analysis found: the Markdown body, the figure, and the checks of the paper's claim
    (each a sentence and whether our numbers support it)."""
    body: str
    figure: object  # a matplotlib Figure
    checks: list = field(default_factory=list)  # (sentence, bool)
    summary: str = ""  # one line of our numbers for the README's table


def sweep_executable(build):
    exe = build / "apps" / "sweep" / "ccrnn-sweep"
    if not exe.exists():
        raise SystemExit(f"ccrnn-reproduce: {exe} not found: build first (bash scripts/build.sh) or set CCRNN_BUILD_DIR")
    return exe


def sweep_path(options, claim, sweep):
    """The sweep's results file: named by its options, so that other seeds/epochs/sizes never reuse it."""
    key = shlex.join([sweep.task, *sweep.args, f"seeds={options.seeds}"])
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return options.out / claim / f"{sweep.name}-{digest}.h5"


def run_sweep(options, claim, sweep):
    """Runs (or resumes, or reuses) one sweep and returns its results file."""
    path = sweep_path(options, claim, sweep)
    command = [*options.launcher, str(sweep_executable(options.build)), "--task", sweep.task, *sweep.args,
               "--seeds", str(options.seeds), "--out", str(path)]
    if not options.launcher:
        command += ["--threads", str(options.threads)]
    if path.exists():
        print(f"[{claim}] {sweep.name}: done before, reusing {path}", flush=True)
        return path
    print(f"[{claim}] {sweep.name}: {shlex.join(command)}", flush=True)
    if options.dry_run:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(command)
    if result.returncode != 0:
        raise SystemExit(f"ccrnn-reproduce: the sweep '{sweep.name}' of claim '{claim}' failed (exit "
                         f"{result.returncode}); run the same command again to resume it")
    return path


def commit():
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def stamp(options, files, attributes):
    """The provenance block of a claim's Markdown."""
    lines = [
        f"- command: `{options.command}`",
        f"- ccrnn commit: {commit()}, version {attributes.get('ccrnn_version', '?')}",
        f"- float_products: {attributes.get('float_products', '?')}",
        f"- seeds: {options.seeds}; made {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        "- results files: " + ", ".join(f"`{os.path.relpath(f, options.out)}`" for f in files),
    ]
    return "\n".join(lines)


def write_atomically(path, write):
    """write(temporary path), then rename over path: no half-written figure or table under its name."""
    temporary = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def report(options, claim, title, files, outcome, attributes):
    """Writes <out>/<claim>/<claim>.md and .png and prints where they are."""
    folder = options.out / claim
    folder.mkdir(parents=True, exist_ok=True)
    png, md = folder / f"{claim}.png", folder / f"{claim}.md"
    checks = "\n".join(f"- {'holds' if ok else 'does not hold'}: {sentence}" for sentence, ok in outcome.checks)
    text = (f"# {title}\n\n![{claim}]({png.name})\n\n{outcome.body}\n\n## The paper's claim against our numbers\n\n"
            f"{checks}\n\n## Provenance\n\n{stamp(options, files, attributes)}\n")
    write_atomically(png, lambda p: outcome.figure.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    write_atomically(md, lambda p: p.write_text(text))
    print(f"[{claim}] {md}\n[{claim}] {png}", flush=True)
    if outcome.summary:
        print(f"[{claim}] summary: {outcome.summary}", flush=True)
    return md


def progress(message):
    print(message, file=sys.stderr, flush=True)
