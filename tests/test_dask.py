"""``--dask``: the same per-workbook work on a Dask cluster, the very reports of a local run.

The cluster here is a ``LocalCluster`` on loopback with two thread workers in this process, so
the tests take seconds; they are skipped where dask.distributed is not installed (an extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner, Result

from ipsxl import report
from ipsxl.batch import check_many
from ipsxl.cli import main
from ipsxl.make.demo import write_demo
from ipsxl.validate import Options


def _has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


dask_only = pytest.mark.skipif(not _has_dask(), reason="dask.distributed is not installed")


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[Path]:
    """A larger program, two small workbooks (with one error and with none) and a damaged
    file."""
    folder = tmp_path_factory.mktemp("dask")
    paths = [folder / "agency-0.xlsx"]
    write_demo(paths[0], clients=60, seed=30)
    for k in (1, 2):
        tabs = clean_tabs()
        if k == 1:
            set_cell(tabs, "Jobs", 1, "Competitive", "maybe")
        paths.append(write_workbook(folder / f"agency-{k}.xlsx", tabs))
    junk = folder / "agency-9.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    paths.append(junk)
    return paths


@pytest.fixture(scope="module")
def cluster():
    if not _has_dask():
        pytest.skip("dask.distributed is not installed")
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as local:
        yield local


@pytest.fixture(scope="module")
def local(books) -> Result:
    """``ipsxl validate FOLDER --format json --jobs 1``: the local run the Dask ones must equal."""
    return CliRunner().invoke(
        main, ["validate", str(books[0].parent), "--format", "json", "--jobs", "1"]
    )


@dask_only
def test_dask_reports_equal_the_local_ones_in_input_order(books, cluster, local):
    from ipsxl.distributed import check_many_dask

    heard = []
    remote = check_many_dask(books, Options(), cluster.scheduler_address, on_done=heard.append)
    assert [r.file for r in remote] == [str(p) for p in books]
    assert report.to_json(remote) + "\n" == local.stdout
    assert sorted(r.file for r in heard) == sorted(str(p) for p in books)


@dask_only
def test_cli_dask_json_is_the_jobs_1_json(books, cluster, local):
    folder = str(books[0].parent)
    remote = CliRunner().invoke(
        main, ["validate", folder, "--format", "json", "--dask", cluster.scheduler_address]
    )
    assert remote.exit_code == local.exit_code == 2, remote.output
    assert remote.stdout == local.stdout


@dask_only
def test_a_file_missing_everywhere_reads_as_it_does_locally(tmp_path, cluster):
    from ipsxl.distributed import check_many_dask

    gone = [tmp_path / "gone.xlsx"]
    (remote,) = check_many_dask(gone, Options(), cluster.scheduler_address)
    (local,) = check_many(gone, Options())
    assert report.to_json([remote]) == report.to_json([local])


@dask_only
def test_an_unreachable_scheduler_is_one_line_and_exit_2(books, monkeypatch):
    from ipsxl import distributed
    from ipsxl.distributed import DaskUnavailable, check_many_dask

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler"):
        check_many_dask(books[:1], Options(), "tcp://127.0.0.1:9", timeout=1)
    result = CliRunner().invoke(main, ["validate", str(books[1]), "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


def test_without_dask_installed_the_option_says_what_to_install(books, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    result = CliRunner().invoke(main, ["validate", str(books[1]), "--dask", "tcp://x:8786"])
    assert result.exit_code == 2
    assert "pip install 'ipsxl[dask]'" in result.stderr


def test_jobs_and_dask_together_is_a_usage_error(books):
    result = CliRunner().invoke(
        main, ["validate", str(books[1]), "--jobs", "2", "--dask", "tcp://x:8786"]
    )
    assert result.exit_code == 2
    assert "--jobs and --dask cannot be used together" in result.output
