/**
 * From config to the ordered list of models a turn may try: the agent's
 * `model` (or `agents.defaults.model`) primary, then its fallbacks, each bound
 * to a provider from `models.providers.<id>`. With nothing configured, the
 * embedded agent answers. `${VAR}` references in keys and headers were
 * already substituted when the config was loaded (§11). Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { agentEntry } from "../config/agents.ts";
import { EMBEDDED_MODEL_REF, EmbeddedProvider } from "./embedded.ts";
import { ProviderError } from "./failures.ts";
import { OpenAiCompatProvider, type CompatFlags } from "./openai-compat.ts";
import type { ModelProvider } from "./provider.ts";

/** One model a turn can run on. */
export interface ModelCandidate {
  /** `provider/model`, as config and events name it. */
  ref: string;
  providerId: string;
  model: string;
  /** Undefined when the ref names no configured provider; the attempt then fails and falls back. */
  provider?: ModelProvider;
}

/** Provider request timeout when `models.providers.<id>.timeoutSeconds` is unset. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 300_000;

type ModelChoice = string | { primary?: string; fallbacks?: string[] } | undefined;

const embedded = new EmbeddedProvider();

/** The refs an agent tries, in order. */
export function modelRefs(config: OpenClawConfig, agentId: string, override?: { model?: string; fallbacks?: string[] }): string[] {
  const agent = agentEntry(config, agentId);
  const choice: ModelChoice = agent?.model ?? config.agents?.defaults?.model;
  const primary = override?.model ?? (typeof choice === "string" ? choice : choice?.primary);
  const fallbacks = override?.fallbacks ?? (typeof choice === "object" ? choice.fallbacks ?? [] : []);
  const refs = [primary ?? EMBEDDED_MODEL_REF, ...fallbacks].map((r) => r.trim()).filter(Boolean);
  return [...new Set(refs)];
}

/** Binds each ref to its provider. */
export function resolveCandidates(config: OpenClawConfig, refs: string[]): ModelCandidate[] {
  return refs.map((ref) => resolveCandidate(config, ref));
}

function resolveCandidate(config: OpenClawConfig, ref: string): ModelCandidate {
  if (ref === EMBEDDED_MODEL_REF) return { ref, providerId: "clawgate", model: "embedded", provider: embedded };
  const providers = config.models?.providers ?? {};
  const slash = ref.indexOf("/");
  let providerId = slash > 0 ? ref.slice(0, slash) : "";
  let model = slash > 0 ? ref.slice(slash + 1) : ref;
  if (!providers[providerId]) {
    // A bare model id resolves to the one provider that lists it.
    const owners = Object.entries(providers).filter(([, p]) => (p.models ?? []).some((m) => (typeof m === "string" ? m : m.id) === ref));
    if (owners.length === 1) [providerId, model] = [owners[0]![0], ref];
  }
  const entry = providers[providerId];
  if (!entry?.baseUrl) return { ref, providerId, model };
  const modelEntries = entry.models ?? [];
  const compat = (m: string): CompatFlags => {
    const listed = modelEntries.find((e) => typeof e !== "string" && e.id === m);
    return { ...entry.compat, ...(typeof listed === "object" ? listed.compat : undefined) };
  };
  const provider = new OpenAiCompatProvider({
    id: providerId,
    baseUrl: entry.baseUrl,
    apiKey: entry.apiKey,
    headers: entry.headers,
    timeoutMs: entry.timeoutSeconds ? entry.timeoutSeconds * 1000 : DEFAULT_PROVIDER_TIMEOUT_MS,
    compat,
  });
  return { ref: `${providerId}/${model}`, providerId, model, provider };
}

/** The failure for a ref that names no configured provider. */
export function unknownModel(candidate: ModelCandidate): ProviderError {
  return new ProviderError("model_not_found", `Unknown model: ${candidate.ref} (no models.providers.${candidate.providerId || "<provider>"}.baseUrl configured)`, {
    provider: candidate.providerId,
    model: candidate.model,
  });
}

/** Provider and model of the first candidate, for `defaults` and `resolved` fields. */
export function primaryModel(config: OpenClawConfig, agentId: string): { modelProvider: string; model: string } {
  const [first] = resolveCandidates(config, modelRefs(config, agentId).slice(0, 1));
  return { modelProvider: first!.providerId, model: first!.model };
}
