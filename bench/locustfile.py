"""The load test of issue 13 §6: simulated users of a sales team mixing the customer list, a
search, the work list, the 360 page, the board and logging follow-ups, with a think time
between clicks. Needs `pip install -e '.[bench]'` and a seeded server (bench/README.md):

    locust -f bench/locustfile.py --headless -u 200 -r 10 -t 10m \\
        --host http://127.0.0.1:8123 --csv /tmp/load-pg

Each simulated user logs in as one of the demo consultants or the manager
(password guanxi2026) through the login form. After each page it fetches what htmx would load
right after it or as it is scrolled through (hx-trigger "load" / "revealed": the navbar's
waiting badge, the 360 page's panels, the work list's reminders, the list's count), as a
browser does; those requests are reported under "htmx …".
"""

import random
import re

from locust import HttpUser, between, task

USERS = ["sales1a", "sales1b", "sales2a", "sales2b", "manager"]
PASSWORD = "guanxi2026"  # noqa: S105 — the documented demo password
SEARCHES = ["王秀", "wxy", "0013", "李", "科技", "zhang"]
CUSTOMER_LINK = re.compile(r'href="/customers/(\d+)/"')
WORK_ROW = re.compile(r'class="list-group-item gx-wl-row" data-customer="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOADED_AFTER = re.compile(r'hx-get="([^"]+)" hx-trigger="(?:load|revealed)"')
NUMBER = re.compile(r"/\d+/")


class SalesUser(HttpUser):
    wait_time = between(3, 7)  # 5 s on average between two clicks

    def on_start(self):
        self.username = random.choice(USERS)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        self.customers: list[str] = []
        self.work: list[str] = []

    def _page(self, path: str, name: str, **kwargs):
        """A full page, then the fragments htmx loads after it."""
        response = self.client.get(path, name=name, **kwargs)
        for url in LOADED_AFTER.findall(response.text):
            url = url.replace("&amp;", "&")
            label = "htmx " + NUMBER.sub("/<id>/", url.split("?", 1)[0])
            self.client.get(url, name=label, headers={"HX-Request": "true"})
        return response

    def _remember(self, text: str) -> None:
        found = CUSTOMER_LINK.findall(text)
        if found:
            self.customers = found[:50]

    @task(4)
    def customer_list(self):
        self._remember(self._page("/customers/", "/customers/").text)

    @task(3)
    def search(self):
        query = random.choice(SEARCHES)
        self._remember(self._page("/customers/", "search", params={"q": query}).text)

    @task(3)
    def work_list(self):
        page = self._page("/pipeline/", "/pipeline/")
        self.work = WORK_ROW.findall(page.text)[:50]

    @task(3)
    def customer_page(self):
        if self.customers:
            customer = random.choice(self.customers)
            self._page(f"/customers/{customer}/", "/customers/<id>/")

    @task(2)
    def board(self):
        self._page("/pipeline/board/", "/pipeline/board/")

    @task(1)
    def home(self):
        self._page("/", "/")

    @task(2)
    def log_follow_up(self):
        if not self.work:
            self.work_list()
        if not self.work:
            return
        customer = random.choice(self.work)
        token = self.client.cookies.get("csrftoken", "")
        prefix = f"c{customer}-"
        self.client.post(
            f"/pipeline/c/{customer}/followup/log/",
            {
                "csrfmiddlewaretoken": token,
                "origin": "worklist",
                prefix + "channel": "phone",
                prefix + "content": "电话回访，客户在比较方案",
                prefix + "effective": "on",
            },
            headers={"Referer": f"{self.host}/pipeline/", "HX-Request": "true"},
            name="follow-up",
        )
