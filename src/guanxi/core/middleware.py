"""Request timing for the benchmarks and for operators (bench/README.md)."""

import time


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>`: the time Django spent on the request, so a
    benchmark measures the server without the network and a browser shows it in DevTools."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        if not response.has_header("Server-Timing"):
            response["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return response
