/**
 * The one table of which scope each method needs (spec §5). The router reads
 * it for every registered method; the CLI reads it to ask for least privilege.
 * Runtime-agnostic.
 */
import type { Scope } from "./scopes.ts";

/** `none`: no scope check at all; `node-role`: only node sockets may call it. */
export type Access = Scope | "none" | "node-role";

export const METHOD_ACCESS: Readonly<Record<string, Access>> = {
  health: "none",

  status: "operator.read",
  "system-presence": "operator.read",
  "last-heartbeat": "operator.read",
  "logs.tail": "operator.read",
  "channels.status": "operator.read",
  "models.list": "operator.read",
  "gateway.identity.get": "operator.read",
  "agent.identity.get": "operator.read",
  "config.get": "operator.read",
  "config.schema": "operator.read",
  "config.schema.lookup": "operator.read",

  wake: "operator.write",

  "system-event": "operator.admin",
  "set-heartbeats": "operator.admin",
  "config.set": "operator.admin",
  "config.patch": "operator.admin",
  "config.apply": "operator.admin",

  "device.pair.list": "operator.pairing",
  "device.pair.approve": "operator.pairing",
  "device.pair.reject": "operator.pairing",
  "device.pair.remove": "operator.pairing",
  "device.pair.rename": "operator.pairing",
  "device.token.rotate": "operator.pairing",
  "device.token.revoke": "operator.pairing",
  "channels.pairing.list": "operator.pairing",
  // Dynamic upstream: admin too when bootstrapCommandOwner is set (checked in the handler).
  "channels.pairing.approve": "operator.pairing",
  "channels.pairing.dismiss": "operator.pairing",

  "node.list": "operator.read",
  "node.describe": "operator.read",
  // node.invoke is dynamic: write, plus admin for host-level commands (router scopeFor, §5).
  "node.invoke": "operator.write",
  "node.pair.list": "operator.pairing",
  "node.pair.approve": "operator.pairing",
  "node.pair.reject": "operator.pairing",
  "node.pair.remove": "operator.pairing",
  "node.rename": "operator.pairing",
  "node.invoke.result": "node-role",
  "node.invoke.progress": "node-role",
  "node.event": "node-role",

  "chat.history": "operator.read",
  "sessions.list": "operator.read",
  "sessions.preview": "operator.read",
  "cron.list": "operator.read",
  "cron.get": "operator.read",
  "cron.status": "operator.read",
  "cron.runs": "operator.read",
  "chat.send": "operator.write",
  "chat.abort": "operator.write",
  "agent.wait": "operator.write",
  send: "operator.write",
  // Dynamic (router scopeFor, §5): agent needs admin for /new and /reset, sessions.patch beyond
  // cosmetic and model fields, sessions.delete unless archivedOnly.
  agent: "operator.write",
  "sessions.patch": "operator.write",
  "sessions.delete": "operator.write",
  "sessions.reset": "operator.admin",
  "cron.add": "operator.admin",
  "cron.update": "operator.admin",
  "cron.remove": "operator.admin",
  "cron.run": "operator.admin",
  "sessions.subscribe": "operator.read",
  "sessions.messages.subscribe": "operator.read",
  "sessions.messages.unsubscribe": "operator.read",
  "sessions.describe": "operator.read",
  "sessions.observer.visibility": "operator.read",
  "sessions.branches.list": "operator.read",
  "sessions.companion.state": "operator.read",
  "chat.startup": "operator.read",
  "chat.metadata": "operator.read",
  "agents.list": "operator.read",
  "models.authStatus": "operator.read",
  "update.status": "operator.admin",
  "exec.approval.list": "operator.approvals",
  "plugin.approval.list": "operator.approvals",
  "openclaw.approval.list": "operator.approvals",
  "question.list": "operator.questions",
  "tasks.list": "operator.read",
  "progressCard.get": "operator.read",
  "users.prefs.get": "operator.read",
  "talk.catalog": "operator.read",
  "openclaw.setup.detect": "operator.admin",
  "channels.start": "operator.admin",
  "channels.stop": "operator.admin",
  "channels.logout": "operator.admin",
  "web.login.start": "operator.admin",
  "web.login.wait": "operator.admin",
  "system.info": "operator.read",
  "plugins.list": "operator.read",
  "environments.list": "operator.read",
  "plugins.catalog.browse": "operator.read",
  "exec.approval.request": "operator.approvals",
  "exec.approval.get": "operator.approvals",
  "exec.approval.waitDecision": "operator.approvals",
  "exec.approval.resolve": "operator.approvals",
  "exec.approvals.get": "operator.admin",
  "exec.approvals.set": "operator.admin",
  "approval.get": "operator.approvals",
  "approval.history": "operator.approvals",
  "exec.approval.grants.list": "operator.approvals",
  "usage.status": "operator.read",
  "sessions.usage": "operator.read",
  "skills.status": "operator.read",
  "skills.library.list": "operator.read",
  "skills.search": "operator.read",
  "skills.proposals.list": "operator.read",
  "themes.list": "operator.read",
  "transcripts.list": "operator.read",
  "worktrees.list": "operator.read",
  "diagnostics.lanes": "operator.read",
  "doctor.memory.status": "operator.read",
  "webSearch.status": "operator.read",
  "tools.github.status": "operator.read",
  "migrations.memory.plan": "operator.admin",
  "approval.resolve": "operator.approvals",
};

/**
 * §5 * and †: the session scope that also admits a caller to these methods
 * (upstream still names the operator scope when both are missing).
 */
export const SESSION_SCOPE: Readonly<Record<string, Scope>> = {
  "chat.history": "operator.sessions.read",
  "sessions.list": "operator.sessions.read",
  "sessions.preview": "operator.sessions.read",
  "chat.send": "operator.sessions.write",
  "chat.abort": "operator.sessions.write",
  "sessions.patch": "operator.sessions.write",
  "sessions.delete": "operator.sessions.write",
  "sessions.subscribe": "operator.sessions.read",
  "sessions.messages.subscribe": "operator.sessions.read",
  "sessions.messages.unsubscribe": "operator.sessions.read",
  "sessions.describe": "operator.sessions.read",
  "sessions.branches.list": "operator.sessions.read",
  "chat.startup": "operator.sessions.read",
  "chat.metadata": "operator.sessions.read",
  "question.list": "operator.sessions.write",
};

/** The access rule of a method; unlisted methods need admin (§5). */
export function accessOf(method: string): Access {
  return METHOD_ACCESS[method] ?? "operator.admin";
}
