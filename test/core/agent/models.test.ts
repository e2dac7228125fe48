/**
 * Model chains from config: the agent's own model over the defaults,
 * fallbacks in order, the embedded agent when nothing is configured, bare
 * ids, compat flags per provider and per model.
 */
import { describe, expect, test } from "bun:test";
import { EMBEDDED_MODEL_REF } from "../../../core/agent/embedded.ts";
import { modelRefs, primaryModel, resolveCandidates } from "../../../core/agent/models.ts";
import { OpenAiCompatProvider } from "../../../core/agent/openai-compat.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { startUpstream } from "../../harness/openai-upstream.ts";

const config: OpenClawConfig = {
  models: {
    providers: {
      local: { baseUrl: "http://127.0.0.1:1/v1", compat: { requiresStringContent: true }, models: ["llama", { id: "picky", compat: { supportsTools: false } }, { id: "loose", compat: { requiresStringContent: false } }] },
      other: { baseUrl: "http://127.0.0.1:2/v1", models: ["gpt"] },
    },
  },
  agents: {
    defaults: { model: { primary: "local/llama", fallbacks: ["other/gpt", "local/llama"] } },
    list: [{ id: "main", default: true }, { id: "Writer", model: "other/gpt" }],
  },
};

describe("modelRefs", () => {
  test("defaults with fallbacks, deduplicated; an agent's own model wins; overrides win over both", () => {
    expect(modelRefs(config, "main")).toEqual(["local/llama", "other/gpt"]);
    expect(modelRefs(config, "writer")).toEqual(["other/gpt"]);
    expect(modelRefs(config, "main", { model: "other/gpt", fallbacks: [] })).toEqual(["other/gpt"]);
  });

  test("nothing configured -> the embedded agent", () => {
    expect(modelRefs({}, "main")).toEqual([EMBEDDED_MODEL_REF]);
    expect(primaryModel({}, "main")).toEqual({ modelProvider: "clawgate", model: "embedded" });
  });
});

describe("resolveCandidates", () => {
  test("refs bind to providers; a bare id finds the one provider that lists it; unknown refs have no provider", () => {
    const [a, b, c] = resolveCandidates(config, ["local/llama", "gpt", "nowhere/x"]);
    expect(a).toMatchObject({ ref: "local/llama", providerId: "local", model: "llama" });
    expect(a!.provider).toBeInstanceOf(OpenAiCompatProvider);
    expect(b).toMatchObject({ ref: "other/gpt", providerId: "other", model: "gpt" });
    expect(c).toMatchObject({ ref: "nowhere/x", providerId: "nowhere", model: "x" });
    expect(c!.provider).toBeUndefined();
  });

  test("compat flags: provider-wide, overridden per model (seen in the requests a real server receives)", async () => {
    const upstream = startUpstream({ llama: { pieces: ["a"] }, picky: { pieces: ["b"] }, loose: { pieces: ["c"] } });
    try {
      const local = { ...config.models!.providers!.local!, baseUrl: upstream.baseUrl };
      const live: OpenClawConfig = { ...config, models: { providers: { local } } };
      for (const [candidate] of ["local/llama", "local/picky", "local/loose"].map((ref) => resolveCandidates(live, [ref]))) {
        const turn = { model: candidate!.model, messages: [{ role: "user" as const, content: "x" }], signal: new AbortController().signal, purpose: "chat" as const, tools: [{ name: "t" }] };
        for await (const _ of candidate!.provider!.stream(turn));
      }
      const sent = (model: string) => upstream.requests.find((r) => r.model === model)!.body;
      expect(sent("llama").messages).toEqual([{ role: "user", content: "x" }]);
      expect(sent("llama").tools).toEqual([{ type: "function", function: { name: "t" } }]);
      expect(sent("picky").messages).toEqual([{ role: "user", content: "x" }]);
      expect(sent("picky").tools).toBeUndefined();
      expect(sent("loose").messages).toEqual([{ role: "user", content: [{ type: "text", text: "x" }] }]);
    } finally {
      upstream.stop();
    }
  });
});
