/**
 * Environment layering (spec §11): process > ./.env > <stateDir>/.env > config env.vars.
 */
import { describe, expect, test } from "bun:test";
import { layerEnv, parseDotenv } from "../../../core/config/env.ts";

describe("parseDotenv", () => {
  test("KEY=value, export, quotes, comments", () => {
    expect(parseDotenv('# c\nA=1\nexport B="two words" \nC=\'x#y\'\nD=val # trailing\n bad line\nE="a\\nb"')).toEqual({ A: "1", B: "two words", C: "x#y", D: "val", E: "a\nb" });
  });
});

describe("layerEnv", () => {
  test("earlier layers win and nothing overrides the process env", () => {
    const env = layerEnv({ A: "process" }, [{ A: "cwd", B: "cwd" }, { B: "state", C: "state" }, { C: "config", D: "config" }]);
    expect(env).toMatchObject({ A: "process", B: "cwd", C: "state", D: "config" });
  });

  test("host-only switches cannot come from a dotenv file or config", () => {
    expect(layerEnv({}, [{ OPENCLAW_STATE_DIR: "/elsewhere", OPENCLAW_CONFIG_READONLY: "1" }])).toEqual({});
  });
});
