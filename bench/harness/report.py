"""RESULTS.md sections and the formatting every benchmark's tables use."""

import datetime


class Section:
    """One benchmark's section of bench/RESULTS.md, between its own markers."""

    def __init__(self, name):
        self.name = name
        self.start = f"<!-- {name}:start -->"
        self.end = f"<!-- {name}:end -->"

    def write(self, path, text, new_file=""):
        """Replace the text between the markers in ``path``, or append it; the rest is kept.

        A missing file is created with ``new_file`` (a heading) before the section.
        """
        if not path.exists():
            path.write_text((new_file + "\n" if new_file else "") + text + "\n")
            return
        current = path.read_text()
        start, end = current.find(self.start), current.find(self.end)
        if start >= 0 and end > start:
            current = current[:start] + text + current[end + len(self.end):]
        else:
            current = current.rstrip("\n") + "\n\n" + text + "\n"
        path.write_text(current)

    def publish(self, path, text, new_file=""):
        """Print the section, write it into ``path`` and say so."""
        print()
        print(text)
        self.write(path, text, new_file)
        print(f"\nwritten to {path}")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def versions_text(versions):
    return " · ".join(f"{name} {value}" for name, value in versions.items())


def fmt_n(n):
    """An integer with thin groups of three digits, as in the tables (1 000 000)."""
    return f"{n:,}".replace(",", " ")


def fmt_mib(kib, grouped=True):
    """KiB as whole MiB, digits grouped (1 100) or not (1100), as each section always had them."""
    text = f"{kib / 1024:,.0f}" if grouped else f"{kib / 1024:.0f}"
    return text.replace(",", " ")


def join_runs(values):
    """Every run's time, as the "Runs (s)" column shows them."""
    return " / ".join(f"{v:.2f}" for v in values)


def ratio(value, reference):
    """``value`` ÷ ``reference`` as "1.23×", "n/a" without a reference."""
    return f"{value / reference:.2f}×" if reference else "n/a"


def mark(ok):
    """The verdict of a target: ✅ met, ❌ missed."""
    return "✅" if ok else "❌"


def budget_verdict(value, target):
    """A figure against its budget (lower is better): mark and share of the budget."""
    return f"{mark(value <= target)} {value / target:.2f}× the budget"
