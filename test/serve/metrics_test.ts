import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MetricsRegistry } from "../../src/serve/metrics.ts";

Deno.test("MetricsRegistry.render() writes the Prometheus text format", () => {
  const m = new MetricsRegistry();
  const c = m.counter("x_total", "Things.");
  c.inc({ route: "events", status: "200" });
  c.inc({ status: "200", route: "events" }, 2);
  c.inc({ route: 'a"b' });
  let q = 4;
  m.gauge("queue", "Waiting.", () => q);
  const h = m.histogram("lat_seconds", "Latency.", [0.1, 1]);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  q = 5;
  assertEquals(c.get({ route: "events", status: "200" }), 3);
  assertEquals(c.total(), 4);
  assertEquals(
    m.render(),
    [
      "# HELP x_total Things.",
      "# TYPE x_total counter",
      'x_total{route="events",status="200"} 3',
      'x_total{route="a\\"b"} 1',
      "# HELP queue Waiting.",
      "# TYPE queue gauge",
      "queue 5",
      "# HELP lat_seconds Latency.",
      "# TYPE lat_seconds histogram",
      'lat_seconds_bucket{le="0.1"} 1',
      'lat_seconds_bucket{le="1"} 2',
      'lat_seconds_bucket{le="+Inf"} 3',
      "lat_seconds_sum 3.55",
      "lat_seconds_count 3",
      "",
    ].join("\n"),
  );
});
