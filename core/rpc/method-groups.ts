/**
 * Every method group the gateway serves, in `hello-ok.features.methods` order,
 * with the names it defines. A group's module is imported on the first call of
 * one of its methods (rpc/router.ts), so an idle gateway never parses or keeps
 * the code, schemas and helpers of methods nobody called: features added here
 * cost nothing until used. The router checks each loaded group against its
 * names. Runtime-agnostic (dynamic `import()` of core modules runs unchanged on
 * Bun, Node and Deno; the bundles carry the modules).
 */
import type { LazyMethodGroup } from "./services.ts";

export const METHOD_GROUPS: readonly LazyMethodGroup[] = [
  {
    load: async () => (await import("./methods/system.ts")).systemMethods,
    methods: ["health", "status", "system-presence", "system-event", "last-heartbeat", "set-heartbeats", "wake"],
  },
  {
    load: async () => (await import("./methods/info.ts")).infoMethods,
    methods: ["logs.tail", "models.list", "channels.status", "gateway.identity.get"],
  },
  {
    load: async () => (await import("./methods/devices.ts")).deviceMethods,
    methods: ["device.pair.list", "device.pair.approve", "device.pair.reject", "device.pair.remove", "device.pair.rename", "device.token.rotate", "device.token.revoke"],
  },
  {
    load: async () => (await import("./methods/config.ts")).configMethods,
    methods: ["config.get", "config.set", "config.patch", "config.apply", "config.schema", "config.schema.lookup"],
  },
  {
    load: async () => (await import("./methods/channel-pairing.ts")).channelPairingMethods,
    methods: ["channels.pairing.list", "channels.pairing.approve", "channels.pairing.dismiss"],
  },
  {
    load: async () => (await import("./methods/nodes.ts")).nodeMethods,
    methods: ["node.list", "node.describe", "node.rename", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.remove", "node.invoke", "node.invoke.result", "node.invoke.progress", "node.event"],
  },
  {
    load: async () => (await import("./methods/chat.ts")).chatMethods,
    methods: ["chat.send", "chat.history", "chat.abort"],
  },
  {
    load: async () => (await import("./methods/agent.ts")).agentMethods,
    methods: ["agent.identity.get", "agent", "agent.wait"],
  },
  {
    load: async () => (await import("./methods/sessions.ts")).sessionMethods,
    methods: ["sessions.list", "sessions.preview", "sessions.patch", "sessions.reset", "sessions.delete"],
  },
  {
    load: async () => (await import("./methods/cron.ts")).cronMethods,
    methods: ["cron.list", "cron.get", "cron.status", "cron.add", "cron.update", "cron.remove", "cron.run", "cron.runs"],
  },
  {
    load: async () => (await import("./methods/send.ts")).sendMethods,
    methods: ["send"],
  },
  {
    load: async () => (await import("./methods/ui-startup.ts")).uiStartupMethods,
    methods: ["sessions.subscribe", "sessions.messages.subscribe", "sessions.messages.unsubscribe", "sessions.describe", "sessions.observer.visibility", "sessions.branches.list", "sessions.companion.state", "chat.startup", "chat.metadata", "agents.list", "models.authStatus", "update.status", "plugin.approval.list", "openclaw.approval.list", "question.list", "tasks.list", "progressCard.get", "users.prefs.get", "talk.catalog", "openclaw.setup.detect"],
  },
  {
    load: async () => (await import("./methods/channels.ts")).channelMethods,
    methods: ["channels.start", "channels.stop", "channels.logout", "web.login.start", "web.login.wait"],
  },
  {
    load: async () => (await import("./methods/system-info.ts")).systemInfoMethods,
    methods: ["system.info"],
  },
  {
    load: async () => (await import("./methods/plugins.ts")).pluginMethods,
    methods: ["plugins.list", "plugins.catalog.browse"],
  },
  {
    load: async () => (await import("./methods/environments.ts")).environmentsMethods,
    methods: ["environments.list"],
  },
  {
    load: async () => (await import("./methods/exec-approvals.ts")).execApprovalMethods,
    methods: ["exec.approval.request", "exec.approval.get", "exec.approval.list", "exec.approval.waitDecision", "exec.approval.resolve", "approval.get", "approval.resolve", "approval.history", "exec.approval.grants.list", "exec.approvals.get", "exec.approvals.set"],
  },
  {
    load: async () => (await import("./methods/usage.ts")).usageMethods,
    methods: ["usage.status", "sessions.usage"],
  },
  {
    load: async () => (await import("./methods/skills.ts")).skillsMethods,
    methods: ["skills.status", "skills.library.list", "skills.search", "skills.proposals.list"],
  },
  {
    load: async () => (await import("./methods/themes.ts")).themesMethods,
    methods: ["themes.list"],
  },
  {
    load: async () => (await import("./methods/absent-features.ts")).absentFeatureMethods,
    methods: ["transcripts.list", "worktrees.list", "diagnostics.lanes", "doctor.memory.status", "webSearch.status", "tools.github.status", "migrations.memory.plan"],
  },
];
