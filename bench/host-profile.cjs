// Preloaded into the provider host (NODE_OPTIONS=--require) by the benchmark: samples the host's CPU with
// the inspector from SIGUSR2 (sent once the host is configured, so start-up module loading is left out)
// to SIGTERM (the driver's close), then writes the profile to BENCH_CPU_PROFILE and exits.
const inspector = require("node:inspector");
const { writeFileSync } = require("node:fs");
const session = new inspector.Session();
session.connect();
process.once("SIGUSR2", () => {
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
});
process.once("SIGTERM", () => {
  session.post("Profiler.stop", (err, res) => {
    if (!err && res) writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(res.profile));
    process.exit(0);
  });
});
