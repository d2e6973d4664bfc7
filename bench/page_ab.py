"""Time one page in-process, as a user, on an existing data directory: a quick A/B of two
checkouts on the same data (put the other checkout's src first on PYTHONPATH).

    GUANXI_DATA_DIR=var/bench-sqlite-100k python bench/page_ab.py /customers/ manager
    GUANXI_DATA_DIR=var/bench-sqlite-100k PYTHONPATH=/tmp/base/src python bench/page_ab.py \
        /customers/ manager

Prints the mean server time of 20 requests after 5 warm-up (Django's test client)."""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=args.username))
    for _ in range(5):
        client.get(args.url)
    started = time.perf_counter()
    for _ in range(args.n):
        client.get(args.url)
    mean = (time.perf_counter() - started) / args.n * 1000
    print(f"{args.url} as {args.username}: {mean:.1f} ms")


if __name__ == "__main__":
    main()
