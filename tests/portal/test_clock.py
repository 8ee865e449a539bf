"""The one clock: domain code reads no other, it starts where PORTAL_TODAY says and runs on, days are cut in
TIME_ZONE, and the processes the tests start share it."""
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from projects.ledger.months import trailing_window
from projects import clock

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("portal", "projects", "adr", "toil")

# What reads the real clock, or makes the database read it, instead of projects.clock.
DIRECT_READS = re.compile(
    r"timezone\.now\b|\blocaldate\b|timezone\.localtime\(\)|\bdate\.today\b|datetime\.(?:now|today|utcnow)\b"
    r"|\btime\.time\(|(?-i:\bNow\(\))|(?<!clock\.)DateTimeField\(.*auto_now"
    r"|(?<![\w.])now\(\)|\bcurrent_(?:date|timestamp|time)\b|\blocaltimestamp\b",
    re.IGNORECASE,
)
TEMPLATE_READS = re.compile(r"{%\s*now\b|\|\s*(?:timesince|timeuntil|naturaltime|naturalday)\b")

# Each exemption: the file, the text of the line, and why the real clock is right there. Real time is also
# right, outside this source, for django-pghistory's event times (written by the database's triggers),
# sessions, login lock-outs (django-axes) and signed links.
EXEMPT = {
    ("projects/clock.py", ""): "the one clock itself: it reads real time and shifts it",
}


def violations(path: Path, text: str, pattern: re.Pattern) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.search(line)
        if match and not any(relative == file and needle in line for file, needle in EXEMPT):
            found.append(f"{relative}:{number}: {line.strip()}")
    return found


def domain_sources():
    for app in DOMAIN:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_domain_code_reads_only_the_one_clock():
    found = [line for path in domain_sources() for line in violations(path, path.read_text(), DIRECT_READS)]
    assert found == [], "read projects.clock instead:\n" + "\n".join(found)


def test_templates_measure_time_with_the_one_clock():
    found = [
        line for path in sorted((ROOT / "templates").rglob("*.html")) for line in violations(path, path.read_text(), TEMPLATE_READS)
    ]
    assert found == [], "use the age filter (adr_tags) or a value computed from projects.clock:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    "    today = timezone.localdate()",
    "    started = timezone.now()",
    "    default=timezone.now,",
    "    initial=timezone.localdate,",
    "from django.utils.timezone import localdate",
    "    return date.today()",
    "    moment = datetime.now(tz=UTC)",
    '    created = models.DateTimeField(_("created"), auto_now_add=True)',
    "    WHERE month < date_trunc('month', now())",
    "    WHERE realized_on <= CURRENT_DATE",
    "    .annotate(at=Now())",
])
def test_the_source_check_catches_a_direct_read(line):
    assert violations(ROOT / "adr" / "services.py", line, DIRECT_READS)


def test_the_source_check_catches_template_time():
    assert violations(ROOT / "templates" / "x.html", "{{ adr.created_at|timesince }}", TEMPLATE_READS)
    assert violations(ROOT / "templates" / "x.html", '{% now "Y" %}', TEMPLATE_READS)


def test_a_day_starts_the_clock_at_midnight_in_the_time_zone(settings, set_clock):
    settings.TIME_ZONE = "Europe/Paris"
    set_clock("2027-03-01")
    assert clock.today() == date(2027, 3, 1)
    assert clock.now().astimezone(UTC).date() == date(2027, 2, 28)  # 23:00 UTC the day before


def test_half_past_midnight_on_the_first_in_paris_is_the_new_month(settings, set_clock):
    settings.TIME_ZONE = "Europe/Paris"
    set_clock("2027-01-01T00:30")
    assert clock.today() == date(2027, 1, 1)
    assert trailing_window() == (date(2026, 10, 1), date(2027, 1, 1))


def test_the_same_instant_in_utc_is_still_the_old_month(settings, set_clock):
    settings.TIME_ZONE = "UTC"
    set_clock("2026-12-31T23:30")
    assert clock.today() == date(2026, 12, 31)
    assert trailing_window() == (date(2026, 9, 1), date(2026, 12, 1))


def test_the_clock_runs_on_from_its_start(settings, set_clock, monkeypatch):
    settings.TIME_ZONE = "UTC"
    set_clock("2028-02-29T23:00")
    # The clock started an hour and a half ago (real time): it now reads half past midnight, 1 March.
    monkeypatch.setenv(clock.STARTED_VARIABLE, repr(time.time() - 5400))
    assert clock.now() >= datetime(2028, 3, 1, 0, 30, tzinfo=UTC)
    assert clock.today() == date(2028, 3, 1)


def test_a_malformed_start_is_refused_with_the_expected_form():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        clock.parse_start("01/12/2026")


@pytest.mark.parametrize(("today", "started"), [("01/12/2026", "1700000000"), ("2026-12-01", "yesterday")])
def test_a_malformed_environment_stops_the_clock_with_its_names(monkeypatch, today, started):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, today)
    monkeypatch.setenv(clock.STARTED_VARIABLE, started)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TODAY"):
        clock.now()


def test_a_malformed_today_option_stops_pytest_before_any_test():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--today=01/12/2026", "--collect-only", "-q", "tests/portal/test_clock.py"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--today:" in run.stderr and "YYYY-MM-DD" in run.stderr


@pytest.mark.calendar
def test_a_process_the_tests_start_reads_the_same_day():
    """The run's PORTAL_TODAY reaches a new process (a server, a worker) through the environment."""
    script = "import django; django.setup(); from projects import clock; print(clock.today().isoformat())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    output = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip().splitlines()[-1] == clock.today().isoformat()


@pytest.mark.calendar
def test_the_suite_runs_on_the_chosen_day():
    chosen = clock.parse_start(os.environ[clock.ENVIRONMENT_VARIABLE])
    assert timedelta(0) <= clock.now() - chosen < timedelta(days=1)


@pytest.mark.django_db
def test_records_are_stamped_by_the_one_clock(settings, set_clock):
    from tests.factories import TeamFactory

    settings.TIME_ZONE = "Europe/Paris"
    set_clock("2030-05-05T00:15")
    team = TeamFactory()
    assert clock.day_of(team.created_at) == date(2030, 5, 5)
    assert team.created_at.astimezone(UTC).date() == date(2030, 5, 4)


@pytest.mark.django_db
def test_a_project_retired_after_midnight_in_paris_has_that_day_as_its_retirement_day(settings, set_clock):
    from projects.decommission.selectors import retirement_date, zombie_costs, zombie_project_ids
    from projects.models import Phase, Project
    from tests.factories import CostEntryFactory, ProjectFactory

    settings.TIME_ZONE = "Europe/Paris"
    set_clock("2027-01-01T00:30")
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(phase=Phase.RETIRED, phase_changed_at=clock.now())
    project.refresh_from_db()
    CostEntryFactory(project=project, incurred_on=date(2027, 1, 1))  # the last bill, on the retirement day
    assert retirement_date(project) == date(2027, 1, 1)
    assert zombie_costs(project) == [] and project.pk not in zombie_project_ids()
    CostEntryFactory(project=project, incurred_on=date(2027, 1, 2))
    assert [cost.day for cost in zombie_costs(project)] == [date(2027, 1, 2)] and project.pk in zombie_project_ids()
