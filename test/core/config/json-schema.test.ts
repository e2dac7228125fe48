/**
 * config.schema / config.schema.lookup (spec §6).
 */
import { describe, expect, test } from "bun:test";
import { configJsonSchema, lookupSchema } from "../../../core/config/json-schema.ts";

describe("config schema", () => {
  test("JSON Schema of the keys clawgate reads, titled from the hint table", () => {
    const s = configJsonSchema();
    expect(s.properties.gateway.properties.port).toMatchObject({ type: "integer", minimum: 1, maximum: 65535, title: "Gateway Port" });
  });

  test("lookup gateway.port -> shallow node, restart, hint", () => {
    expect(lookupSchema("gateway.port")).toMatchObject({ path: "gateway.port", schema: { type: "integer", title: "Gateway Port" }, reloadKind: "restart", hintPath: "gateway.port", children: [] });
  });

  test("lookup gateway -> child summaries with their reload kinds", () => {
    const node = lookupSchema("gateway")!;
    expect(node.schema.properties).toBeUndefined();
    expect(node.children.find((c) => c.key === "port")).toMatchObject({ path: "gateway.port", type: "integer", required: false, hasChildren: false, reloadKind: "restart" });
    expect(node.children.find((c) => c.key === "auth")).toMatchObject({ hasChildren: true });
  });

  test("record entries resolve through their value schema; unknown paths are undefined", () => {
    expect(lookupSchema("models.providers.local.baseUrl")?.schema.type).toBe("string");
    expect(lookupSchema("nope.x")).toBeUndefined();
    expect(lookupSchema("logging.level")?.reloadKind).toBe("none");
  });
});
