"""The suite's run against object storage (R2P_TEST_STORAGE=s3; .ci/run): a local S3 server,
moto's, on loopback, and a bucket of its own for each test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3

from assessments.management.deployment import free_port, listening

ON_S3 = os.environ.get("R2P_TEST_STORAGE") == "s3"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
REGION = "us-east-1"


def local_s3_server() -> Iterator[str]:
    """moto_server on a free port of 127.0.0.1, until the generator is closed."""
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).parent / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not listening(port, server):
            raise RuntimeError("moto_server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def new_bucket(endpoint: str) -> str:
    """A fresh bucket on the server: its name."""
    bucket = f"r2p-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS).create_bucket(
        Bucket=bucket
    )
    return bucket


def new_bucket_storage(endpoint: str) -> dict:
    """A fresh private bucket on the server, as the STORAGES entry that settings.py makes of
    DJANGO_S3_BUCKET and its companions."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": new_bucket(endpoint),
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
