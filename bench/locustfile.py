"""One benchmark scenario per locust run: one user sends one request after another (no
think time) to BENCH_PATH with BENCH_TOKEN, for `-t` seconds. bench/run.py starts it."""

import os

from locust import HttpUser, constant, task


class Staff(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {os.environ['BENCH_TOKEN']}"
        self.client.headers["Accept"] = "application/json"

    @task
    def request(self):
        with self.client.get(os.environ["BENCH_PATH"], name=os.environ["BENCH_NAME"],
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
