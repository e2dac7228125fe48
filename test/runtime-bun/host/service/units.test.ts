/**
 * Service definitions (spec §12): upstream's unit names and labels, restart
 * policy that stops on exit 78, quoting, and no credentials ever.
 */
import { describe, expect, test } from "bun:test";
import { launchdLabel, renderLaunchdPlist, renderSystemdUnit, systemdUnitName, type ServiceDefinition } from "../../../../runtime-bun/host/service/units.ts";

const def: ServiceDefinition = {
  profile: "work",
  programArguments: ["/opt/claw gate/clawgate-linux-arm64", "gateway", "run", "--port", "18800"],
  environment: { OPENCLAW_PROFILE: "work", OPENCLAW_STATE_DIR: "/srv/100%/state" },
  workingDirectory: "/srv/state",
  consoleLog: "/srv/state/logs/gateway-console.log",
};

describe("names", () => {
  test("openclaw-gateway[-<profile>].service and ai.openclaw.gateway / ai.openclaw.<profile>", () => {
    expect(systemdUnitName()).toBe("openclaw-gateway.service");
    expect(systemdUnitName("work")).toBe("openclaw-gateway-work.service");
    expect(launchdLabel()).toBe("ai.openclaw.gateway");
    expect(launchdLabel("work")).toBe("ai.openclaw.work");
  });
});

describe("systemd unit", () => {
  test("restart on failure except exit 78; quoted ExecStart; % doubled; selectors only", () => {
    const unit = renderSystemdUnit(def);
    expect(unit).toContain('\nExecStart="/opt/claw gate/clawgate-linux-arm64" gateway run --port 18800\n');
    expect(unit).toContain("\nRestart=on-failure\n");
    expect(unit).toContain("\nRestartPreventExitStatus=78\n");
    expect(unit).toContain("\nEnvironment=OPENCLAW_STATE_DIR=/srv/100%%/state\n");
    expect(unit).toContain("\n[Install]\nWantedBy=default.target\n");
  });

  test("a credential in the environment is refused, never written", () => {
    expect(() => renderSystemdUnit({ ...def, environment: { OPENCLAW_GATEWAY_TOKEN: "x" } })).toThrow("refusing to write OPENCLAW_GATEWAY_TOKEN into a service definition");
    expect(() => renderLaunchdPlist({ ...def, environment: { OPENCLAW_GATEWAY_PASSWORD: "x" } })).toThrow("refusing to write OPENCLAW_GATEWAY_PASSWORD");
  });

  test("line breaks cannot smuggle directives in", () => {
    expect(() => renderSystemdUnit({ ...def, programArguments: ["/bin/clawgate\nExecStartPre=/bin/sh"] })).toThrow("cannot contain line breaks");
  });
});

describe("launchd plist", () => {
  test("label, escaped arguments, restart only on unsuccessful exit", () => {
    const plist = renderLaunchdPlist({ ...def, programArguments: ["/Apps/a&b/clawgate", "gateway", "run"] });
    expect(plist).toContain("<key>Label</key>\n    <string>ai.openclaw.work</string>");
    expect(plist).toContain("<string>/Apps/a&amp;b/clawgate</string>");
    expect(plist).toContain("<key>SuccessfulExit</key>\n      <false/>");
    expect(plist).not.toMatch(/TOKEN|PASSWORD/);
  });
});
