"""The circuit breaker: open after N consecutive failures (the provider is not called), one
probe after the cool-off, closed again when it answers; its state on /readyz and in status."""

from __future__ import annotations

import time

from core.models import OK
from gateway.breaker import State
from tests.gateway.conftest import entry

RESET_S = 0.3  # the breakers' cool-off in these tests


def test_opens_after_consecutive_failures_and_skips_the_provider(faults, gateway_of,
                                                                 request_for):
    down = faults("fail")
    gw = gateway_of(entry("primary", down.base_url), breaker_failures=2,
                    breaker_reset_seconds=60)
    for _ in range(2):
        gw.generator.generate(request_for())
    assert gw.breakers[0].status().state is State.OPEN
    draft = gw.generator.generate(request_for())
    assert [(a.provider, a.status) for a in draft.usage.attempts] == [
        ("primary", "circuit_open"), ("extractive", OK)]
    assert len(down.seen) == 2  # the third request never reached it
    row = gw.status()[0]
    assert row["breaker"] == "open" and row["failures"] == 2
    assert row["last_error"].startswith("server_error: primary: HTTP 500")
    assert 0 < row["retry_in"] <= 60


def test_a_probe_after_the_cool_off_closes_it_again(faults, gateway_of, request_for):
    flaky = faults(script=["fail", "fail"])  # then answers
    gw = gateway_of(entry("primary", flaky.base_url), breaker_failures=2,
                    breaker_reset_seconds=RESET_S)
    for _ in range(2):
        gw.generator.generate(request_for())
    assert gw.breakers[0].status().state is State.OPEN
    time.sleep(RESET_S * 1.5)
    draft = gw.generator.generate(request_for())  # the half-open probe
    assert draft.usage.provider == "primary"
    assert gw.breakers[0].status().state is State.CLOSED
    assert gw.breakers[0].status().failures == 0


def test_a_failed_probe_opens_it_at_once(faults, gateway_of, request_for):
    down = faults("fail")
    gw = gateway_of(entry("primary", down.base_url), breaker_failures=2,
                    breaker_reset_seconds=RESET_S)
    for _ in range(2):
        gw.generator.generate(request_for())
    time.sleep(RESET_S * 1.5)
    gw.generator.generate(request_for())  # the probe fails
    assert gw.breakers[0].status().state is State.OPEN
    assert len(down.seen) == 3
    assert gw.generator.generate(request_for()).usage.attempts[0].status == "circuit_open"


def test_what_is_not_the_providers_fault_is_not_counted(faults, gateway_of, request_for):
    """A prompt the model refuses (400) is the request's fault; a passed deadline skips the
    call: neither says the provider is unwell."""
    refusing = faults("bad_request")
    gw = gateway_of(entry("primary", refusing.base_url), breaker_failures=1)
    draft = gw.generator.generate(request_for())
    assert draft.usage.attempts[0].status == "bad_request"
    gw.generator.generate(request_for(deadline=time.monotonic() - 1))
    assert gw.breakers[0].status().state is State.CLOSED
    assert len(refusing.seen) == 1  # the late request was never sent
